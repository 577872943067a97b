package io.ipsecmesh.config.lang;

/** {@code crypto ikev2 keyring NAME}: its {@code peer NAME} sub-blocks. */
final class Ikev2KeyringBlock implements Block {

  private final ConfigDraft.KeyringDraft keyring;
  private final Diagnostics diagnostics;

  Ikev2KeyringBlock(ConfigDraft.KeyringDraft keyring, Diagnostics diagnostics) {
    this.keyring = keyring;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto ikev2 keyring " + keyring.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "peer");
  }

  @Override
  public Block apply(Args a) {
    a.skip(1).command("peer");
    String name = a.name("peer name");
    a.end();
    return new PeerBlock(keyring.peer(name));
  }

  /**
   * {@code peer NAME} inside a keyring: {@code address IP [MASK]} or {@code address IPV6/LEN}, {@code identity address|fqdn|email [domain]|key-id …},
   * {@code hostname NAME}, {@code pre-shared-key [local|remote] KEY}.
   */
  final class PeerBlock implements Block {
    private final ConfigDraft.KeyringPeerDraft peer;

    PeerBlock(ConfigDraft.KeyringPeerDraft peer) {
      this.peer = peer;
    }

    @Override
    public String title() {
      return Ikev2KeyringBlock.this.title() + " peer " + peer.name;
    }

    @Override
    public boolean owns(Args a) {
      return a.is(0, "address") || a.is(0, "pre-shared-key") || a.is(0, "description") || a.is(0, "identity")
          || a.is(0, "hostname");
    }

    @Override
    public Block apply(Args a) {
      if (a.is(0, "address")) {
        a.skip(1).command("address");
        if (a.hasMore() && io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())) {
          // address {ipv4-address [mask] | ipv6-address prefix}: an IPv6 peer or prefix; the model keeps the
          // network and its length (IsakmpKey's convention), a bare address is a /128
          if (a.peek().contains("/")) {
            String[] p = a.ipv6Prefix("address");
            peer.address = p[0];
            peer.mask = p[1];
          } else {
            peer.address = a.ipv6("address");
            peer.mask = "128";
          }
          a.end();
          return null;
        }
        peer.address = a.ipv4("address");
        peer.mask = a.hasMore() ? a.netmask("mask") : null;
        a.end();
      } else if (a.is(0, "pre-shared-key")) {
        a.skip(1).command("pre-shared-key");
        boolean local = a.accept("local");
        boolean remote = !local && a.accept("remote");
        // "0" marks a key written in clear; "6" one sealed under the cluster KEK (Type6Secret).
        if (a.size() - a.position() > 1 && a.peek().equals("0")) {
          a.skip(1);
        }
        String key = Type6Secret.next(a) ? Type6Secret.read(a, "pre-shared-key", "key") : a.secret("key");
        a.end();
        if (!remote) {
          peer.localKey = key;
        }
        if (!local) {
          peer.remoteKey = key;
        }
      } else if (a.is(0, "identity")) {
        // the responder finds the peer by the identity it sent (RFC 7296 §2.15: the key is chosen by IDi)
        a.skip(1).command("identity");
        String kind = a.oneOf("identity type", "address", "fqdn", "email", "key-id");
        a.command("identity " + kind);
        peer.identity = IdentityWords.match(a, kind);
        a.end();
      } else if (a.is(0, "hostname")) {
        a.skip(1).command("hostname");
        peer.hostname = IdentityWords.fqdn(a, "hostname");
        a.end();
        // IOS looks a keyring peer up by hostname for a crypto map's set peer HOST (ike-service ConfigPolicies)
      } else {
        diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
      }
      return null;
    }
  }
}

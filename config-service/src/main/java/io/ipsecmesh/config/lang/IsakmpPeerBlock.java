package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.IkeIdentity;
import java.util.Locale;

/**
 * {@code crypto isakmp peer address IP}: {@code set aggressive-mode password KEY} and {@code set
 * aggressive-mode client-endpoint ipv4-address IP|fqdn NAME|user-fqdn NAME} (Cisco IOS Security Command
 * Reference, crypto isakmp peer; set aggressive-mode password; set aggressive-mode client-endpoint). With both,
 * the gateway initiates Aggressive Mode to that peer (RFC 2409 §5.4); with one of them, a warning says why
 * Main Mode is still used.
 */
final class IsakmpPeerBlock implements Block {

  private final ConfigDraft.IsakmpPeerDraft peer;
  private final Diagnostics diagnostics;

  IsakmpPeerBlock(ConfigDraft.IsakmpPeerDraft peer, Diagnostics diagnostics) {
    this.peer = peer;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto isakmp peer address " + peer.address;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "set") || a.is(0, "description");
  }

  @Override
  public Block apply(Args a) {
    if (a.is(0, "description")) {
      return null;
    }
    a.skip(1).command("set");
    String what = a.oneOf("peer setting", "aggressive-mode");
    a.command("set " + what);
    String kind = a.oneOf("aggressive-mode setting", "password", "client-endpoint");
    a.command("set aggressive-mode " + kind);
    if (kind.equals("password")) {
      peer.aggressivePassword = Type6Secret.next(a)
          ? Type6Secret.read(a, "aggressive-mode-password", "password") : a.secret("password");
    } else {
      String type = a.oneOf("client-endpoint type", "ipv4-address", "fqdn", "user-fqdn").toLowerCase(Locale.ROOT);
      peer.clientEndpoint = switch (type) {
        case "ipv4-address" -> new IkeIdentity(IkeIdentity.Type.ADDRESS, a.ipv4("client-endpoint address"));
        case "fqdn" -> new IkeIdentity(IkeIdentity.Type.FQDN, IdentityWords.fqdn(a, "client-endpoint fqdn"));
        default -> new IkeIdentity(IkeIdentity.Type.EMAIL, IdentityWords.email(a));
      };
    }
    a.end();
    return null;
  }

  /** At the end of the file: one of the two settings alone does not make the gateway use Aggressive Mode. */
  static void warnIncomplete(ConfigDraft.IsakmpPeerDraft p, Diagnostics diagnostics, int line) {
    if ((p.aggressivePassword == null) != (p.clientEndpoint == null)) {
      diagnostics.warn(line, "crypto isakmp peer address " + p.address + ": Aggressive Mode needs both set"
          + " aggressive-mode password and set aggressive-mode client-endpoint; Main Mode is used until both are set");
    }
  }
}

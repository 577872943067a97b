package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.EzvpnClient;
import java.util.Locale;
import java.util.Set;

/** {@code crypto ipsec client ezvpn NAME}: connect, group … key, mode, peer (repeatable, ordered). */
final class EzvpnBlock implements Block {

  private final ConfigDraft.EzvpnDraft client;
  private final Diagnostics diagnostics;

  EzvpnBlock(ConfigDraft.EzvpnDraft client, Diagnostics diagnostics) {
    this.client = client;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto ipsec client ezvpn " + client.name;
  }

  @Override
  public boolean owns(Args a) {
    return Set.of("connect", "group", "mode", "peer").contains(a.word(0).toLowerCase(Locale.ROOT));
  }

  @Override
  public Block apply(Args a) {
    String keyword = a.word(0).toLowerCase(Locale.ROOT);
    a.skip(1).command(keyword);
    switch (keyword) {
      case "connect" -> client.connect =
          a.oneOf("connect", "auto", "manual").equals("auto") ? EzvpnClient.Connect.AUTO : EzvpnClient.Connect.MANUAL;
      case "group" -> {
        String group = a.name("group name");
        if (!a.accept("key")) {
          throw a.fail("missing 'key GROUP-KEY' after the group name");
        }
        client.group = group;
        client.groupKey = Type6Secret.next(a) ? Type6Secret.read(a, "group-key", "group key") : a.secret("group key");
      }
      case "mode" -> client.mode = switch (a.oneOf("mode", "client", "network-extension", "network-plus")) {
        case "client" -> EzvpnClient.Mode.CLIENT;
        case "network-extension" -> EzvpnClient.Mode.NETWORK_EXTENSION;
        default -> EzvpnClient.Mode.NETWORK_PLUS;
      };
      default -> {
        String peer = a.host("peer");
        a.accept("default");
        a.end();
        if (client.peers.contains(peer)) {
          diagnostics.warn(a.lineNumber, "peer " + peer + " is already in the peer list of ezvpn " + client.name);
        } else {
          client.peers.add(peer);
        }
      }
    }
    a.end();
    return null;
  }
}

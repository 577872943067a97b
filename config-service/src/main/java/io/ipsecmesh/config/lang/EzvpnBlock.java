package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.EzvpnClient;
import java.util.Locale;
import java.util.Set;

/**
 * {@code crypto ipsec client ezvpn NAME}: connect, group … key, mode, peer (repeatable, ordered), and the XAUTH
 * credentials the remote answers the server with: {@code username NAME password [0|6] PASSWORD} and {@code xauth
 * userid mode local} (Cisco Easy VPN Remote, "Saving XAUTH credentials"; interactive and http-intercept need a
 * person at a console or browser and are refused).
 */
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
    return Set.of("connect", "group", "mode", "peer", "username", "xauth").contains(a.word(0).toLowerCase(Locale.ROOT));
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
      case "username" -> {
        String user = a.name("username");
        if (!a.accept("password")) {
          throw a.fail("missing 'password PASSWORD' after the user name");
        }
        if (a.hasMore() && a.peek().equals("0") && a.size() > a.position() + 1) {
          a.secret("password");
        }
        client.username = user;
        client.password = Type6Secret.next(a) ? Type6Secret.read(a, "ezvpn-password", "password") : a.secret("password");
      }
      case "xauth" -> {
        a.command("xauth").oneOf("xauth setting", "userid");
        a.command("xauth userid").oneOf("userid setting", "mode");
        String m = a.command("xauth userid mode").oneOf("mode", "local", "interactive", "http-intercept");
        if (!m.equals("local")) {
          throw a.fail(m + " needs a person to type the password; write username NAME password PASSWORD and"
              + " xauth userid mode local");
        }
        client.xauthUseridMode = m;
      }
      default -> {
        String peer = a.host("peer");
        if (io.ipsecmesh.proto.config.Ipv6.isAddress(peer)) {
          // Cisco Easy VPN Remote is IPv4 only: its Mode Config, split tunnel and PAT are IPv4 (RFC-less legacy
          // Unity/XAUTH); IOS takes IPv6 over IPsec through crypto maps and tunnel interfaces
          throw a.fail("peer " + io.ipsecmesh.proto.config.Ipv6.ios(peer) + " is IPv6, and legacy Easy VPN is IPv4"
              + " only: write the server's IPv4 address or a host name with an IPv4 address; for an IPv6 peer use an"
              + " ipv6 crypto map (set peer " + io.ipsecmesh.proto.config.Ipv6.ios(peer) + ") or a tunnel interface"
              + " (tunnel mode ipsec ipv6, tunnel destination " + io.ipsecmesh.proto.config.Ipv6.ios(peer) + ")");
        }
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

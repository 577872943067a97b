package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.TunnelMode;
import java.util.Locale;

/**
 * {@code interface NAME}: {@code ip address}, {@code ip mtu}, {@code crypto map}, {@code crypto ipsec df-bit}
 * (overrides the global one) and {@code crypto ipsec client ezvpn NAME inside|outside}; on a {@code TunnelN}
 * interface also {@code tunnel source|destination|mode|protection} (a static virtual tunnel interface, the Cisco
 * IPsec Virtual Tunnel Interface document). Everything else an interface has (speed, duplex, …) is no concern of
 * the gateway.
 */
final class InterfaceBlock implements Block {

  private final ConfigDraft.InterfaceDraft iface;
  private final CrossReferences references;
  private final Diagnostics diagnostics;

  InterfaceBlock(ConfigDraft.InterfaceDraft iface, CrossReferences references, Diagnostics diagnostics) {
    this.iface = iface;
    this.references = references;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "interface " + iface.name;
  }

  @Override
  public boolean owns(Args a) {
    // "crypto map NAME" with one argument: the global "crypto map NAME SEQ …" has more.
    return a.startsWith("ip", "address") || a.startsWith("ip", "mtu")
        || (a.startsWith("crypto", "map") && a.size() <= 3)
        || a.startsWith("crypto", "ipsec", "df-bit")
        || a.startsWith("crypto", "ipsec", "fragmentation") || a.startsWith("crypto", "ipsec", "client", "ezvpn")
        || a.is(0, "tunnel") || (a.is(0, "ipv6") && INTERFACE_IPV6.contains(a.word(1).toLowerCase(Locale.ROOT)));
  }

  /** The {@code ipv6 …} commands of interface mode, so a flat (unindented) configuration keeps them here. */
  private static final java.util.Set<String> INTERFACE_IPV6 = java.util.Set.of("address", "crypto", "enable", "mtu",
      "nd", "traffic-filter", "redirects", "unreachables", "ospf", "eigrp", "rip", "mld", "verify", "pim", "policy",
      "flow", "virtual-reassembly", "dhcp", "tcp");

  @Override
  public Block apply(Args a) {
    if (a.is(0, "tunnel")) {
      tunnel(a);
      return null;
    }
    if (a.is(0, "ipv6")) {
      ipv6(a);
      return null;
    }
    if (a.startsWith("ip", "address")) {
      a.skip(2).command("ip address");
      String ip = a.ipv4("address");
      String mask = a.netmask("mask");
      a.end();
      iface.ipAddress = ip;
      iface.mask = mask;
    } else if (a.startsWith("ip", "mtu")) {
      a.skip(2).command("ip mtu");
      iface.ipMtu = a.integer("bytes", 68, 9216);
      a.end();
      iface.ipMtuLine = a.lineNumber;
    } else if (a.startsWith("crypto", "map")) {
      a.skip(2).command("crypto map");
      iface.cryptoMap = a.name("map name");
      a.end();
      iface.cryptoMapLine = a.lineNumber;
      references.add(CrossReferences.Kind.CRYPTO_MAP, iface.cryptoMap, a.lineNumber);
    } else if (a.startsWith("crypto", "ipsec", "df-bit")) {
      a.skip(3).command("crypto ipsec df-bit");
      iface.dfBit = DfBit.valueOf(a.oneOf("setting", "clear", "set", "copy").toUpperCase(Locale.ROOT));
      a.end();
    } else if (a.startsWith("crypto", "ipsec", "fragmentation")) {
      a.skip(3).command("crypto ipsec fragmentation");
      iface.fragmentation = a.oneOf("where", "before-encryption", "after-encryption").equals("before-encryption")
          ? Fragmentation.BEFORE_ENCRYPTION : Fragmentation.AFTER_ENCRYPTION;
      a.end();
    } else {
      a.skip(4).command("crypto ipsec client ezvpn");
      String name = a.name("ezvpn name");
      boolean outside = !a.hasMore() || a.oneOf("side", "inside", "outside").equals("outside");
      a.end();
      iface.ezvpn = new EzvpnAttachment(name, outside);
      iface.ezvpnLine = a.lineNumber;
      references.add(CrossReferences.Kind.EZVPN, name, a.lineNumber);
    }
    return null;
  }

  /**
   * {@code ipv6 address X/LEN} (one global address: the tunnels' local address for IPv6 peers) and {@code ipv6
   * crypto map NAME} (the map that protects the interface's IPv6 traffic; IOS applies IPv4 and IPv6 maps apart).
   * Link-local, EUI-64 and autoconfigured addresses cannot be a tunnel's fixed address; they and the other IPv6
   * interface settings are warned about and ignored.
   */
  private void ipv6(Args a) {
    String what = a.word(1).toLowerCase(Locale.ROOT);
    if (what.equals("address")) {
      a.skip(2).command("ipv6 address");
      if (a.hasMore() && (a.is(a.position(), "autoconfig") || a.is(a.position(), "dhcp"))) {
        diagnostics.warn(a.lineNumber, "ipv6 address " + a.peek() + ": an IPsec gateway needs a fixed address here;"
            + " ignored (write ipv6 address X/LEN)");
        return;
      }
      String text = a.peek();
      if (text != null && !text.contains("/") && io.ipsecmesh.proto.config.Ipv6.isAddress(text)) {
        a.skip(1);
        if (a.accept("link-local")) {
          a.end();
          diagnostics.warn(a.lineNumber, "ipv6 address … link-local is not used by this gateway; ignored");
          return;
        }
        throw a.fail("ipv6 address needs a prefix length: write ipv6 address " + text + "/64 (or the link's length)");
      }
      String full = a.next("address");
      String[] p = io.ipsecmesh.proto.config.Ipv6.prefix(full);
      if (p == null) {
        throw a.fail("address must be an IPv6 address with its prefix length such as 2001:DB8:1::1/64, got '"
            + Args.quote(full) + "'");
      }
      if (a.accept("eui-64")) {
        a.end();
        throw a.fail("ipv6 address … eui-64 derives the address from the MAC: write the full address, ipv6 address "
            + "X/LEN, so peers can name it in set peer");
      }
      if (a.accept("anycast")) {
        diagnostics.warn(a.lineNumber, "anycast is ignored: the address is used as the interface's address");
      }
      a.end();
      String address = io.ipsecmesh.proto.config.Ipv6.canonical(full.substring(0, full.indexOf('/')));
      if (address.startsWith("fe8") || address.startsWith("fe9") || address.startsWith("fea")
          || address.startsWith("feb") || address.equals("::") || address.equals("::1")) {
        throw a.fail("ipv6 address " + full + " is not a global unicast address: a tunnel's local address must be "
            + "one the peer can reach");
      }
      if (iface.ipv6Address != null && !iface.ipv6Address.equals(address)) {
        diagnostics.warn(a.lineNumber, "interface " + iface.name + " already has ipv6 address " + iface.ipv6Address
            + ": the gateway uses one IPv6 address per interface, the last one given (" + address + ")");
      }
      iface.ipv6Address = address;
      iface.ipv6PrefixLength = Integer.parseInt(p[1]);
      return;
    }
    if (what.equals("crypto") && a.is(2, "map")) {
      a.skip(3).command("ipv6 crypto map");
      iface.ipv6CryptoMap = a.name("map name");
      a.end();
      iface.ipv6CryptoMapLine = a.lineNumber;
      references.add(CrossReferences.Kind.CRYPTO_MAP, iface.ipv6CryptoMap, a.lineNumber);
      return;
    }
    if (what.equals("enable")) {
      return; // the link-local address IOS makes; nothing for the gateway to do
    }
    if (what.equals("mtu")) {
      // RFC 8200 §5: every IPv6 link carries 1280 bytes; on a tunnel mode ipsec ipv6 interface this is the inner
      // limit of pre-fragmentation (ICMPv6 Packet Too Big above it), as ip mtu is for an IPv4 tunnel
      a.skip(2).command("ipv6 mtu");
      iface.ipv6Mtu = a.integer("bytes", 1280, 9216);
      a.end();
      iface.ipv6MtuLine = a.lineNumber;
      return;
    }
    diagnostics.warn(a.lineNumber, "ipv6 " + Args.quote(what) + " is not used by this gateway; ignored");
  }

  /**
   * {@code tunnel source IFACE|ADDR}, {@code tunnel destination ADDR} (IPv4, or IPv6 for {@code tunnel mode ipsec
   * ipv6}), {@code tunnel mode ipsec ipv4|ipv6|gre ip},
   * {@code tunnel protection ipsec profile NAME [shared]}; other tunnel settings (keys, keepalives of GRE) are
   * warned about and ignored.
   */
  private void tunnel(Args a) {
    String what = a.word(1).toLowerCase(Locale.ROOT);
    a.skip(2).command("tunnel " + what);
    if (!InterfaceNames.isTunnel(iface.name)) {
      throw a.fail("tunnel commands belong to a tunnel interface (interface Tunnel1), not to interface " + iface.name);
    }
    switch (what) {
      case "source" -> {
        String first = a.name("interface or address");
        String source;
        if (Ipv4.isAddress(first)) {
          source = first;
        } else if (io.ipsecmesh.proto.config.Ipv6.looksLike(first)) {
          source = io.ipsecmesh.proto.config.Ipv6.canonical(first);
          if (source == null || first.contains("/")) {
            throw a.fail("tunnel source must be an interface, an IPv4 address or an IPv6 address without prefix length,"
                + " got '" + Args.quote(first) + "'");
          }
        } else {
          StringBuilder name = new StringBuilder(first);
          while (a.hasMore()) {
            name.append(a.name("interface")); // "GigabitEthernet 0/0" is GigabitEthernet0/0, as for interface
          }
          source = InterfaceNames.canonical(name.toString());
          references.add(CrossReferences.Kind.INTERFACE, source, a.lineNumber);
        }
        a.end();
        iface.tunnelSource = source;
      }
      case "destination" -> {
        if (a.hasMore() && !Ipv4.isAddress(a.peek()) && !a.peek().contains(":")) {
          throw a.fail("a host name is not supported here: write the peer's IPv4 or IPv6 address, tunnel destination "
              + "ADDRESS");
        }
        if (a.hasMore() && a.peek().contains(":")) {
          // an IPv6 peer: tunnel mode ipsec ipv6 (TunnelInterfaceCheck matches the two once the block is read)
          String text = a.next("address");
          String v6 = io.ipsecmesh.proto.config.Ipv6.canonical(text);
          if (v6 == null || text.contains("/")) {
            throw a.fail("tunnel destination must be an IPv6 address without prefix length such as 2001:DB8::2, got '"
                + Args.quote(text) + "'");
          }
          iface.tunnelDestination = v6;
        } else {
          iface.tunnelDestination = a.ipv4("address");
        }
        a.end();
      }
      case "mode" -> {
        String kind = a.oneOf("mode", "ipsec", "gre", "ipip", "mpls", "udp", "vxlan");
        TunnelMode mode;
        if (kind.equals("ipsec")) {
          a.command("tunnel mode ipsec");
          mode = a.oneOf("address family", "ipv4", "ipv6").equals("ipv4") ? TunnelMode.IPSEC_IPV4
              : TunnelMode.IPSEC_IPV6;
          if (mode == TunnelMode.IPSEC_IPV4 && a.is(a.position(), "v6-overlay")) {
            throw a.fail("tunnel mode ipsec ipv4 v6-overlay (IPv4 inside over IPv6 outside) is not supported: write"
                + " tunnel mode ipsec ipv6 for IPv6 over IPv6 (ipv6 address, ipv6 route … TunnelN), or tunnel mode"
                + " ipsec ipv4 with an IPv4 tunnel source and destination");
          }
        } else if (kind.equals("gre") && a.accept("ip")) {
          mode = TunnelMode.GRE_IP;
        } else {
          throw a.fail("tunnel mode " + kind + (a.hasMore() ? " " + Args.quote(a.peek()) : "")
              + " is not supported: write tunnel mode ipsec ipv4 or tunnel mode ipsec ipv6 (a static virtual tunnel"
              + " interface)");
        }
        a.end();
        iface.tunnelMode = mode;
      }
      case "protection" -> {
        a.oneOf("protection", "ipsec");
        a.command("tunnel protection ipsec");
        a.oneOf("keyword", "profile");
        a.command("tunnel protection ipsec profile");
        String profile = a.name("profile name");
        if (a.accept("shared")) {
          diagnostics.warn(a.lineNumber, "tunnel protection … shared: each tunnel interface has its own SAs here;"
              + " shared is ignored");
        }
        a.end();
        iface.tunnelProtection = profile;
        iface.protectionLine = a.lineNumber;
        references.add(CrossReferences.Kind.IPSEC_PROFILE, profile, a.lineNumber);
      }
      default -> {
        diagnostics.warn(a.lineNumber, "tunnel " + Args.quote(what) + " is not used by this gateway; ignored");
        return;
      }
    }
    if (iface.tunnelLine == 0) {
      iface.tunnelLine = a.lineNumber;
    }
  }
}

package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The interface show commands in IOS's layouts: {@code show interfaces [IF]}, {@code show ip interface brief} and
 * {@code show ip interface [IF]} (the seed's pre-fragmentation procedure: "Use the show ip interface tunnel command
 * to display the IP MTU value"; the layouts are those of the Cisco IPsec Virtual Tunnel Interface document's
 * "Verifying the Results for the IPsec Static Virtual Tunnel Interface" and of the IOS interface command reference).
 *
 * <p>A tunnel interface's state is derived, not configured: its line protocol is up while a Child SA of the tunnel
 * (the entry {@code TunnelN} at sequence {@link GatewayConfig#TUNNEL_SEQUENCE}) is installed, as IOS's VTI line
 * protocol follows its IPsec SA; its packet and byte counters are the forwarder's counters (inner packets and bytes
 * in {@code ipsec.sa-counters}) of the SAs the tunnel has now, added up — an SA's counters go with it, so a rekey
 * or a cleared session starts them again. Only the lines the gateway has data for are printed. Other interfaces are
 * listed by {@code show ip interface brief} with their address; their link state is the host's, which config-service
 * does not see, so they are shown {@code up} as configured (there is no {@code shutdown}).
 */
public final class ShowInterfaces {

  private ShowInterfaces() {}

  /** {@code show interfaces [IF]}: every tunnel interface, or the one named. */
  public static String interfaces(GatewayConfig config, List<ChildSa> sas, Map<String, SaCounters> counters,
      String name) {
    StringBuilder out = new StringBuilder();
    for (InterfaceConfig i : select(config, name)) {
      if (i.tunnel() == null) {
        out.append(i.name()).append(" is up, line protocol is up\n");
        address(out, "  Internet address is ", i);
        out.append("  MTU ").append(mtu(config, i)).append(" bytes\n");
        continue;
      }
      boolean up = lineProtocolUp(sas, i);
      out.append(i.name()).append(" is up, line protocol is ").append(up ? "up" : "down").append('\n');
      out.append("  Hardware is Tunnel\n");
      address(out, "  Internet address is ", i);
      out.append("  MTU ").append(mtu(config, i)).append(" bytes\n");
      out.append("  Encapsulation TUNNEL, loopback not set\n");
      out.append("  Keepalive not set\n");
      out.append("  Tunnel linestate evaluation ").append(up ? "up" : "down").append('\n');
      out.append("  Tunnel source ").append(source(config, i)).append(", destination ")
          .append(i.tunnel().destination() == null ? "UNKNOWN" : ios(i.tunnel().destination())).append('\n');
      out.append("  Tunnel protocol/transport ").append(transport(i.tunnel().mode())).append('\n');
      IpsecProfile profile = i.tunnel().protection() == null ? null : config.ipsecProfile(i.tunnel().protection());
      if (profile != null) {
        out.append("  Tunnel protection via IPSec (profile \"").append(profile.name()).append("\")\n");
      }
      long packetsIn = 0;
      long bytesIn = 0;
      long packetsOut = 0;
      long bytesOut = 0;
      for (SaCounters c : counters.values()) {
        if (i.name().equals(c.cryptoMap()) && c.mapSequence() == GatewayConfig.TUNNEL_SEQUENCE) {
          packetsIn += c.decaps();
          bytesIn += c.decapBytes();
          packetsOut += c.encaps();
          bytesOut += c.encapBytes();
        }
      }
      out.append("     ").append(packetsIn).append(" packets input, ").append(bytesIn).append(" bytes, 0 no buffer\n");
      out.append("     ").append(packetsOut).append(" packets output, ").append(bytesOut)
          .append(" bytes, 0 underruns\n");
    }
    return out.toString();
  }

  /** {@code show ip interface brief}: one row per interface, IOS's columns. */
  public static String brief(GatewayConfig config, List<ChildSa> sas) {
    StringBuilder out = new StringBuilder();
    out.append(row("Interface", "IP-Address", "OK?", "Method", "Status", "Protocol"));
    for (InterfaceConfig i : config.interfaces()) {
      boolean assigned = i.ipAddress() != null;
      String protocol = i.tunnel() == null ? "up" : lineProtocolUp(sas, i) ? "up" : "down";
      out.append(row(i.name(), assigned ? i.ipAddress() : "unassigned", "YES", assigned ? "NVRAM" : "unset", "up",
          protocol));
    }
    return out.toString();
  }

  /** {@code show ip interface [IF]}: state, address and the IP MTU ({@code ip mtu}, else 1500). */
  public static String ipInterface(GatewayConfig config, List<ChildSa> sas, String name) {
    StringBuilder out = new StringBuilder();
    for (InterfaceConfig i : name == null ? config.interfaces() : select(config, name)) {
      boolean up = i.tunnel() == null || lineProtocolUp(sas, i);
      out.append(i.name()).append(" is up, line protocol is ").append(up ? "up" : "down").append('\n');
      if (i.ipAddress() == null) {
        out.append("  Internet protocol processing disabled\n");
        continue;
      }
      address(out, "  Internet address is ", i);
      out.append("  Broadcast address is 255.255.255.255\n");
      out.append("  Address determined by non-volatile memory\n");
      out.append("  MTU is ").append(mtu(config, i)).append(" bytes\n");
    }
    return out.toString();
  }

  /**
   * The configured interface a typed name means, IOS-style: the type may be abbreviated and written apart from its
   * number ({@code tunnel 1}, {@code tu1}, {@code Gi0/0}), case-insensitively. Null when there is none.
   */
  public static InterfaceConfig find(GatewayConfig config, String typed) {
    String t = typed.replace(" ", "").toLowerCase(Locale.ROOT);
    int split = firstDigit(t);
    String type = t.substring(0, split);
    String number = t.substring(split);
    for (InterfaceConfig i : config.interfaces()) {
      String n = i.name().toLowerCase(Locale.ROOT);
      int s = firstDigit(n);
      if (n.equals(t) || !type.isEmpty() && !number.isEmpty() && n.substring(0, s).startsWith(type)
          && n.substring(s).equals(number)) {
        return i;
      }
    }
    return null;
  }

  private static int firstDigit(String s) {
    int i = 0;
    while (i < s.length() && !Character.isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static List<InterfaceConfig> select(GatewayConfig config, String name) {
    if (name == null) {
      return config.interfaces().stream().filter(i -> i.tunnel() != null).toList();
    }
    InterfaceConfig i = find(config, name);
    return i == null ? List.of() : List.of(i);
  }

  /** IOS's VTI line protocol follows its IPsec SA: up while one of the tunnel's Child SAs is installed. */
  static boolean lineProtocolUp(List<ChildSa> sas, InterfaceConfig tunnel) {
    return tunnel.tunnel() != null && tunnel.tunnel().protection() != null && sas.stream().anyMatch(
        sa -> tunnel.name().equals(sa.cryptoMap()) && sa.mapSequence() == GatewayConfig.TUNNEL_SEQUENCE);
  }

  private static void address(StringBuilder out, String label, InterfaceConfig i) {
    if (i.ipAddress() != null) {
      out.append(label).append(i.ipAddress()).append('/').append(prefixLength(i.mask())).append('\n');
    }
  }

  private static int prefixLength(String mask) {
    long m = mask == null ? 0xFFFF_FFFFL : Ipv4.toLong(mask);
    return m < 0 ? 32 : Long.bitCount(m);
  }

  /** The IP MTU: {@code ip mtu}, else 1500 (what {@code show crypto ipsec sa} prints as the path MTU too). */
  private static int mtu(GatewayConfig config, InterfaceConfig i) {
    return i.tunnelInnerMtu() != null ? i.tunnelInnerMtu() : 1500;
  }

  /** {@code Tunnel source 10.0.149.203 (GigabitEthernet0/0)}: the address, and the interface it is taken from. */
  private static String source(GatewayConfig config, InterfaceConfig tunnel) {
    String s = tunnel.tunnel().source();
    if (s == null) {
      return "UNKNOWN";
    }
    String address = config.tunnelSourceAddress(tunnel);
    if (Ipv4.isAddress(s) || Ipv6.looksLike(s)) {
      return ios(s);
    }
    return (address == null ? "UNKNOWN" : ios(address)) + " (" + s + ")";
  }

  /** An address as IOS prints it: IPv6 in upper case ({@code 2001:DB8:FFFF::1}), IPv4 as it is. */
  private static String ios(String address) {
    return Ipv6.looksLike(address) ? Ipv6.ios(address) : address;
  }

  private static String transport(TunnelMode mode) {
    if (mode == null) {
      return "GRE/IP";
    }
    return switch (mode) {
      case GRE_IP -> "GRE/IP";
      case IPSEC_IPV4 -> "IPSEC/IP";
      case IPSEC_IPV6 -> "IPSEC/IPV6";
      default -> mode.name();
    };
  }

  private static String row(String iface, String address, String ok, String method, String status, String protocol) {
    return Columns.pad(iface, 23) + Columns.pad(address, 16) + Columns.pad(ok, 4) + Columns.pad(method, 7)
        + Columns.pad(status, 22) + protocol + "\n";
  }
}

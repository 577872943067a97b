package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code show crypto session}: one block per peer with the IOS session status, its IKE SAs and its
 * IPsec flows. Status as IOS names it: UP-ACTIVE (IKE SA and Child SAs), UP-IDLE (IKE SA only),
 * UP-NO-IKE (Child SAs without IKE SA, e.g. manual keying), DOWN-NEGOTIATING (IKE SA not ready yet).
 */
public final class ShowCryptoSession {

  private ShowCryptoSession() {}

  public static String render(GatewayConfig config, List<IkeSaSummary> ikeSas, List<ChildSa> childSas) {
    return String.join("", renderParts(config, ikeSas, childSas));
  }

  /** The same listing in parts of whole lines ({@link TextParts}): what the management API sends. */
  public static List<String> renderParts(GatewayConfig config, List<IkeSaSummary> ikeSas, List<ChildSa> childSas) {
    Map<String, Peer> peers = new TreeMap<>();
    for (IkeSaSummary ike : ikeSas) {
      if (!"DELETED".equalsIgnoreCase(ike.status())) {
        peers.computeIfAbsent(ike.dst(), Peer::new).ike.add(ike);
      }
    }
    for (ChildSa sa : childSas) {
      peers.computeIfAbsent(sa.peerAddress(), Peer::new).child.add(sa);
    }
    TextParts out = new TextParts().append("Crypto session current status\n\n");
    for (Peer p : peers.values()) {
      String iface = p.child.isEmpty() ? "(none)" : ShowCryptoIpsecSa.interfaceOf(config, p.child.getFirst());
      out.append("Interface: ").append(iface).append('\n');
      out.append("Session status: ").append(p.status()).append('\n');
      out.append("Peer: ").append(Columns.ip(p.address)).append(" port ").append(p.port()).append('\n');
      for (IkeSaSummary ike : p.ike) {
        out.append("  IKEv").append(ike.version() == 0 ? 2 : ike.version()).append(" SA: local ")
            .append(Columns.ip(ike.src())).append('/').append(ike.localPort()).append(" remote ")
            .append(Columns.ip(ike.dst())).append('/')
            .append(ike.peerPort()).append(' ').append(ready(ike) ? "Active" : "Inactive").append('\n');
      }
      for (ChildSa sa : p.child) {
        out.append("  IPSEC FLOW: permit ").append(protocol(sa)).append(' ').append(range(sa.localSelectors()))
            .append(' ').append(range(sa.remoteSelectors())).append('\n');
        // one Child SA is an inbound/outbound pair: IOS counts both
        out.append("        Active SAs: 2, origin: crypto map\n");
      }
      out.append('\n');
    }
    return out.parts();
  }

  private static boolean ready(IkeSaSummary ike) {
    return "READY".equalsIgnoreCase(ike.state()) || "QM_IDLE".equalsIgnoreCase(ike.state());
  }

  private static String protocol(ChildSa sa) {
    List<TrafficSelector> l = sa.localSelectors();
    int proto = l == null || l.isEmpty() ? 0 : l.getFirst().protocol();
    boolean ipv6 = l != null && !l.isEmpty() && Columns.ipv6(l.getFirst().startAddress());
    return switch (proto) {
      case 0 -> ipv6 ? "ipv6" : "ip"; // as the ipv6 access-list line that selected it
      case 58 -> "icmp";
      case 1 -> "icmp";
      case 6 -> "tcp";
      case 17 -> "udp";
      default -> Integer.toString(proto);
    };
  }

  private static String range(List<TrafficSelector> selectors) {
    if (selectors == null || selectors.isEmpty()) {
      return "any";
    }
    TrafficSelector ts = selectors.getFirst();
    String addrMask = Ident.address(ts);
    // IOS prints a single address as "host A" in IPSEC FLOW, like an access list
    return ts.startAddress().equals(ts.endAddress()) ? "host " + Columns.ip(ts.startAddress()) : Columns.ip(addrMask);
  }

  private static final class Peer {
    final String address;
    final List<IkeSaSummary> ike = new ArrayList<>();
    final List<ChildSa> child = new ArrayList<>();

    Peer(String address) {
      this.address = address;
    }

    String status() {
      boolean ikeUp = ike.stream().anyMatch(ShowCryptoSession::ready);
      if (!ike.isEmpty() && !ikeUp) {
        return "DOWN-NEGOTIATING";
      }
      if (ikeUp) {
        return child.isEmpty() ? "UP-IDLE" : "UP-ACTIVE";
      }
      return "UP-NO-IKE";
    }

    int port() {
      if (!ike.isEmpty() && ike.getFirst().peerPort() > 0) {
        return ike.getFirst().peerPort();
      }
      return !child.isEmpty() && child.getFirst().peerPort() > 0 ? child.getFirst().peerPort() : 500;
    }
  }
}

package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.Comparator;
import java.util.List;

/**
 * {@code show crypto isakmp sa} in the layout of the seed example (seeds/003, "Invalid Security
 * Parameter Index Recovery"): header {@code f_vrf/i_vrf dst src state conn-id slot}, one row per IKE SA,
 * {@code (deleted)} after a row whose SA is being deleted. VRFs are not implemented, so the VRF column
 * is the bare {@code /} IOS prints for the global table. IPv6 SAs follow in an {@code IPv6 Crypto ISAKMP SA}
 * section, each as {@code dst:}, {@code src:} and {@code state: … conn-id: … slot: 0 status: …} lines.
 */
public final class ShowCryptoIsakmpSa {

  static final String HEADER = "  f_vrf/i_vrf  dst          src          state      conn-id slot\n";

  private ShowCryptoIsakmpSa() {}

  public static String render(List<IkeSaSummary> sas) {
    StringBuilder out = new StringBuilder(HEADER);
    sas.stream().filter(sa -> !Columns.ipv6(sa.dst())).sorted(Comparator.comparingInt(IkeSaSummary::connId))
        .forEach(sa -> {
      out.append("  /           ")
          .append(Columns.pad(nonNull(sa.dst()), 12))
          .append(Columns.pad(nonNull(sa.src()), 12))
          .append(Columns.pad(nonNull(sa.state()), 11))
          .append(Columns.pad(Integer.toString(sa.connId()), 10))
          .append('0');
      if ("DELETED".equalsIgnoreCase(sa.status())) {
        out.append(" (deleted)");
      }
      out.append('\n');
    });
    List<IkeSaSummary> v6 = sas.stream().filter(sa -> Columns.ipv6(sa.dst()))
        .sorted(Comparator.comparingInt(IkeSaSummary::connId)).toList();
    if (!v6.isEmpty()) {
      // IOS prints IPv6 ISAKMP SAs in their own section, one SA over three lines (the addresses do not fit the
      // columns): Cisco's "Implementing IPsec in IPv6 Security", "Verifying IPsec Tunnel Mode Configuration"
      out.append("\nIPv6 Crypto ISAKMP SA\n\n");
      for (IkeSaSummary sa : v6) {
        out.append(" dst: ").append(Columns.ip(sa.dst())).append('\n');
        out.append(" src: ").append(Columns.ip(sa.src())).append('\n');
        boolean deleted = "DELETED".equalsIgnoreCase(sa.status());
        out.append(" state: ").append(Columns.pad(nonNull(sa.state()), 16)).append("conn-id: ")
            .append(String.format("%6d", sa.connId())).append(" slot: 0 status: ")
            .append(deleted ? "DELETED" : "ACTIVE").append("\n\n");
      }
    }
    return out.toString();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}

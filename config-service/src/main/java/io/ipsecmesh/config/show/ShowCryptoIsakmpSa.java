package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.Comparator;
import java.util.List;

/**
 * {@code show crypto isakmp sa} in the layout of the seed example (seeds/003, "Invalid Security
 * Parameter Index Recovery"): header {@code f_vrf/i_vrf dst src state conn-id slot}, one row per IKE SA,
 * {@code (deleted)} after a row whose SA is being deleted. VRFs are not implemented, so the VRF column
 * is the bare {@code /} IOS prints for the global table.
 */
public final class ShowCryptoIsakmpSa {

  static final String HEADER = "  f_vrf/i_vrf  dst          src          state      conn-id slot\n";

  private ShowCryptoIsakmpSa() {}

  public static String render(List<IkeSaSummary> sas) {
    StringBuilder out = new StringBuilder(HEADER);
    sas.stream().sorted(Comparator.comparingInt(IkeSaSummary::connId)).forEach(sa -> {
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
    return out.toString();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}

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

  /**
   * {@code show crypto isakmp sa detail} in IOS's layout (Cisco IOS Security Command Reference, show crypto isakmp
   * sa, the detail example): the codes legend, then per IKEv1 SA a row {@code C-id Local Remote I-VRF Status Encr
   * Hash Auth DH Lifetime Cap.} and its {@code Engine-id:Conn-id} line. With several ike-service instances a line
   * beneath names the one that holds the SA (not IOS; README, "Several ike-service instances"). IKEv2 rows are
   * {@code show crypto ikev2 sa}'s.
   */
  public static String renderDetail(List<IkeSaSummary> sas, long nowEpochMillis) {
    StringBuilder out = new StringBuilder(DETAIL_HEADER);
    sas.stream().filter(sa -> sa.version() == 1).sorted(Comparator.comparingInt(IkeSaSummary::connId)).forEach(sa -> {
      IkeSaSummary.Detail d = sa.detail();
      String status = "DELETED".equalsIgnoreCase(sa.status()) ? "DELETED" : "ACTIVE";
      String encr = d == null ? "" : "3DES".equals(d.encr()) ? "3des" : "aes";
      String hash = d == null ? "" : d.hash().toLowerCase(java.util.Locale.ROOT);
      String dh = d == null ? "" : Integer.toString(d.dhGroup());
      String cap = d != null && d.natDetected() ? "N" : "";
      StringBuilder row = new StringBuilder();
      row.append(Columns.pad(Integer.toString(sa.connId()), 6))
          .append(Columns.pad(nonNull(sa.src()), 16))
          .append(Columns.pad(nonNull(sa.dst()), 16))
          .append(Columns.pad("", 7))
          .append(Columns.pad(status, 7))
          .append(Columns.pad(encr, 5))
          .append(Columns.pad(hash, 7))
          .append(Columns.pad(d == null ? "" : "psk", 5))
          .append(Columns.pad(dh, 3))
          .append(Columns.pad(d == null ? "" : remaining(sa, d, nowEpochMillis), 9))
          .append(cap);
      out.append(row.toString().stripTrailing()).append('\n');
      out.append("       Engine-id:Conn-id =  SW:").append(sa.connId()).append('\n');
      if (d != null && d.owner() != null && !d.owner().isEmpty()) {
        out.append("       Owner instance: ").append(d.owner()).append('\n');
      }
    });
    return out.toString();
  }

  static final String DETAIL_HEADER = """
      Codes: C - IKE configuration mode, D - Dead Peer Detection
             K - Keepalives, N - NAT-traversal
             T - cTCP encapsulation, X - IKE Extended Authentication
             psk - Preshared key, rsig - RSA signature
             renc - RSA encryption
      IPv4 Crypto ISAKMP SA

      C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.

      """;

  /** The phase-1 lifetime left, hh:mm:ss as IOS prints it. */
  private static String remaining(IkeSaSummary sa, IkeSaSummary.Detail d, long now) {
    long left = Math.max(0, d.lifetimeSeconds() - Math.max(0, now - sa.createdEpochMillis()) / 1000);
    return String.format("%02d:%02d:%02d", left / 3600, left / 60 % 60, left % 60);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}

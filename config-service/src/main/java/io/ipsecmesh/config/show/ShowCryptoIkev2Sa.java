package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.Comparator;
import java.util.List;

/**
 * {@code show crypto ikev2 sa [detailed]} in IOS XE's layout: an {@code IPv4 Crypto IKEv2  SA} and an
 * {@code IPv6 Crypto IKEv2  SA} section, each with the {@code Tunnel-id Local Remote fvrf/ivrf Status}
 * table; under each row the suite ({@code Encr}, {@code PRF}, {@code Hash}, {@code DH Grp},
 * {@code Auth sign}, {@code Auth verify}) and {@code Life/Active Time}; {@code detailed} adds the SPIs,
 * {@code Status Description}, identities, the DPD setting (the crypto map's IKEv2 profile, else the
 * global {@code crypto ikev2 dpd}; seeds "Configuring DPD for an IKEv2 profile") and NAT-T. Only the
 * global VRF exists, so fvrf/ivrf is {@code none/none}. IKEv1 SAs are left to
 * {@code show crypto isakmp sa}, as on IOS.
 */
public final class ShowCryptoIkev2Sa {

  private ShowCryptoIkev2Sa() {}

  public static String render(GatewayConfig config, List<IkeSaSummary> sas, boolean detailed, long nowMillis) {
    List<IkeSaSummary> v2 = sas.stream()
        .filter(sa -> sa.version() == 0 || sa.version() == 2)
        .sorted(Comparator.comparingInt(IkeSaSummary::connId))
        .toList();
    StringBuilder out = new StringBuilder();
    section(out, "IPv4", v2.stream().filter(sa -> !isIpv6(sa.dst())).toList(), config, detailed, nowMillis);
    section(out, "IPv6", v2.stream().filter(sa -> isIpv6(sa.dst())).toList(), config, detailed, nowMillis);
    return out.toString();
  }

  private static void section(StringBuilder out, String family, List<IkeSaSummary> sas, GatewayConfig config,
      boolean detailed, long now) {
    out.append(" ").append(family).append(" Crypto IKEv2  SA \n\n");
    if (sas.isEmpty()) {
      return;
    }
    out.append("Tunnel-id Local                 Remote                fvrf/ivrf            Status \n");
    for (IkeSaSummary sa : sas) {
      out.append(Columns.pad(Integer.toString(sa.connId()), 10))
          .append(Columns.pad(endpoint(sa.src(), sa.localPort()), 22))
          .append(Columns.pad(endpoint(sa.dst(), sa.peerPort()), 22))
          .append(Columns.pad("none/none", 21))
          .append(Columns.pad(status(sa), 7)).append('\n');
      IkeSaSummary.Detail d = sa.detail();
      if (d == null) {
        out.append("      Encr: unknown, PRF: unknown, Hash: unknown, DH Grp:0, Auth sign: unknown,")
            .append(" Auth verify: unknown\n");
      } else {
        out.append("      Encr: ").append(d.encr());
        if (d.keySize() > 0) {
          out.append(", keysize: ").append(d.keySize());
        }
        out.append(", PRF: ").append(d.prf()).append(", Hash: ").append(d.hash()).append(", DH Grp:")
            .append(d.dhGroup()).append(", Auth sign: ").append(d.authSign()).append(", Auth verify: ")
            .append(d.authVerify()).append('\n');
      }
      long active = Math.max(0, now - sa.createdEpochMillis()) / 1000;
      out.append("      Life/Active Time: ").append(d == null ? 0 : d.lifetimeSeconds()).append('/').append(active)
          .append(" sec\n");
      if (detailed) {
        detailed(out, sa, d, config);
      }
      out.append('\n');
    }
  }

  private static void detailed(StringBuilder out, IkeSaSummary sa, IkeSaSummary.Detail d, GatewayConfig config) {
    // IOS's "CE id" (its crypto engine's handle) has no counterpart here: left out rather than made up
    out.append("      Session-id: ").append(sa.connId()).append('\n');
    out.append("      Status Description: ").append(description(sa)).append('\n');
    out.append("      Local spi: ").append(Columns.pad(d == null ? "unknown" : d.localSpi(), 23))
        .append("Remote spi: ").append(d == null ? "unknown" : d.remoteSpi()).append('\n');
    out.append("      Local id: ").append(Columns.ip(d == null || d.localId() == null ? sa.src() : d.localId()))
        .append('\n');
    out.append("      Remote id: ").append(Columns.ip(sa.peerId() == null || sa.peerId().isEmpty() ? sa.dst()
        : sa.peerId())).append('\n');
    Ikev2Dpd dpd = dpdFor(config, sa.dst());
    if (dpd == null) {
      out.append("      DPD is not configured\n");
    } else {
      out.append("      DPD configured for ").append(dpd.intervalSeconds()).append(" seconds, retry ")
          .append(dpd.retrySeconds()).append('\n');
    }
    if (d == null || !d.natDetected()) {
      out.append("      NAT-T is not detected  \n");
    } else {
      out.append("      NAT-T is detected ").append(d.localBehindNat() ? "inside" : "outside").append('\n');
    }
    out.append("      Initiator of SA : ").append("initiator".equals(sa.role()) ? "Yes" : "No").append('\n');
    if (d != null && d.owner() != null && !d.owner().isEmpty()) {
      // not IOS: with several ike-service instances, the one that holds the SA (README, "scale-out")
      out.append("      Owner instance: ").append(d.owner()).append('\n');
    }
  }

  private static String status(IkeSaSummary sa) {
    if ("DELETED".equalsIgnoreCase(sa.status()) || "DELETED".equalsIgnoreCase(sa.state())) {
      return "DELETE";
    }
    return sa.state() == null ? "UNKNOWN" : sa.state();
  }

  private static String description(IkeSaSummary sa) {
    return switch (status(sa)) {
      case "READY" -> "Negotiation done";
      case "DELETE" -> "Deleting IKE SA";
      default -> "Negotiation in progress";
    };
  }

  /** The DPD of the first crypto map entry with this peer and an IKEv2 profile, else the global one. */
  static Ikev2Dpd dpdFor(GatewayConfig config, String peer) {
    if (config == null) {
      return null;
    }
    for (CryptoMapEntry e : config.cryptoMaps()) {
      if (e.ikev2Profile() != null && e.peers() != null && e.peers().contains(peer)) {
        return config.effectiveDpd(config.ikev2Profile(e.ikev2Profile()));
      }
    }
    return config.ikev2Dpd();
  }

  private static String endpoint(String address, int port) {
    return Columns.ip(address) + "/" + port;
  }

  private static boolean isIpv6(String address) {
    return address != null && address.indexOf(':') >= 0;
  }
}

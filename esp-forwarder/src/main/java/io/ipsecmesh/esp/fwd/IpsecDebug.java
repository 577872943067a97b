package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code debug crypto ipsec} for the forwarder: the key-engine and SA lines IOS prints when SAs are
 * installed, deleted or expire, laid out as in the seed's {@code show logging} (IOS XE IPsec Data Plane
 * guide, "Invalid Security Parameter Index Recovery", Step 4): {@code IPSEC(initialize_sas)} for the
 * inbound and the outbound SA with their proxies, lifetime and SPI, then {@code IPSEC(create_sa)} for
 * each. Deletion and expiry use the same {@code (sa)} block under {@code IPSEC(delete_sa)} and
 * {@code IPSEC(sa_expired)} (the seed has no sample of these two). Never key material. Off by default.
 */
public final class IpsecDebug {

  private static final Logger LOG = Logger.getLogger(IpsecDebug.class.getName());
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final int PROTO_ESP = 50;

  private volatile boolean on;

  public void set(boolean enabled) {
    on = enabled;
  }

  public boolean on() {
    return on;
  }

  /** A Child SA is in the SAD: what IOS's key engine prints for both directions. */
  public void installed(ChildSa sa) {
    if (on) {
      installLines(sa).forEach(LOG::info);
    }
  }

  public void deleted(ChildSa sa, String reason) {
    if (on) {
      LOG.info("IPSEC(delete_sa): deleting SA" + (reason == null ? "" : " (" + reason + ")") + ",\n"
          + saBlock(sa, sa.inboundSpi(), true));
      LOG.info("IPSEC(delete_sa): deleting SA" + (reason == null ? "" : " (" + reason + ")") + ",\n"
          + saBlock(sa, sa.outboundSpi(), false));
    }
  }

  /** @param limit {@code soft} (rekey asked for) or {@code hard} (the SA goes) */
  public void expired(ChildSa sa, String limit, String measure) {
    if (on) {
      LOG.info("IPSEC(sa_expired): " + limit + " lifetime (" + measure + ") reached,\n"
          + saBlock(sa, sa.inboundSpi(), true));
    }
  }

  /** The four messages of one install: initialize_sas inbound and outbound, create_sa for each. */
  static List<String> installLines(ChildSa sa) {
    return List.of(initializeSas(sa, true), initializeSas(sa, false),
        "IPSEC(create_sa): sa created,\n" + saBlock(sa, sa.inboundSpi(), true),
        "IPSEC(create_sa): sa created,\n" + saBlock(sa, sa.outboundSpi(), false));
  }

  static String initializeSas(ChildSa sa, boolean inbound) {
    ChildSa.Lifetime life = sa.lifetime();
    long spi = inbound ? sa.inboundSpi() : sa.outboundSpi();
    return "IPSEC(initialize_sas): ,\n"
        + "  (key eng. msg.) " + (inbound ? "INBOUND" : "OUTBOUND") + " local= " + sa.localAddress() + ", remote= "
        + sa.peerAddress() + ",\n"
        + "  local_proxy= " + proxy(sa.localSelectors()) + ",\n"
        + "  remote_proxy= " + proxy(sa.remoteSelectors()) + ",\n"
        + "  protocol= ESP, transform= " + transform(sa) + " ,\n"
        + "  lifedur= " + (life == null ? 0 : life.hardSeconds()) + "s and " + (life == null ? 0 : life.hardKilobytes())
        + "kb,\n"
        // flags as the seed prints them for tunnel-mode SAs: 0x2, with 0x8 added for the outbound one
        + "  spi= " + SpiText.of(spi) + ", conn_id= " + sa.connectionId() + ", keysize= " + keySize(sa.transform())
        + ", flags= " + (inbound ? "0x2" : "0xA");
  }

  /**
   * The {@code (sa)} block. The seed's router prints the peer as {@code sa_dest} of the inbound SA and
   * itself as that of the outbound one (Router B 10.2.2.2: inbound SPI E7AB4256 with
   * {@code sa_dest= 10.1.1.1}); we print it the same way so the lines read as on IOS.
   */
  static String saBlock(ChildSa sa, long spi, boolean inbound) {
    return "  (sa) sa_dest= " + (inbound ? sa.peerAddress() : sa.localAddress()) + ", sa_prot= " + PROTO_ESP + ",\n"
        + "  sa_spi= " + SpiText.of(spi) + ",\n"
        + "  sa_trans= " + transform(sa) + " , sa_conn_id= " + sa.connectionId();
  }

  private static String transform(ChildSa sa) {
    return sa.transform() == null ? "unknown" : sa.transform().iosName;
  }

  /** Cipher key bits (the AEAD salt is not key): IOS's {@code keysize=}. */
  static int keySize(EspTransform t) {
    if (t == null) {
      return 0;
    }
    return (t.aead ? t.encKeyBytes - 4 : t.encKeyBytes) * 8;
  }

  /**
   * {@code address/wildcard/prot/port (type=N)}, the ISAKMP ID type of the proxy (RFC 2407 §4.6.2.1):
   * 1 a single IPv4 address, 4 an IPv4 subnet, 7 an IPv4 range, 5/8/9 the IPv6 ones.
   */
  static String proxy(List<TrafficSelector> selectors) {
    if (selectors == null || selectors.isEmpty()) {
      return "0.0.0.0/255.255.255.255/0/0 (type=4)";
    }
    TrafficSelector ts = selectors.getFirst();
    int port = ts.startPort() == ts.endPort() ? ts.startPort() : 0;
    String start = ts.startAddress();
    String end = ts.endAddress();
    if (!LITERAL.matcher(start).matches() || !LITERAL.matcher(end).matches()) {
      return start + "-" + end + "/" + ts.protocol() + "/" + port + " (type=7)";
    }
    try {
      byte[] a = InetAddress.getByName(start).getAddress();
      byte[] b = InetAddress.getByName(end).getAddress();
      boolean v6 = a.length == 16;
      BigInteger lo = new BigInteger(1, a);
      BigInteger hi = new BigInteger(1, b);
      int hostBits = hi.xor(lo).bitLength();
      BigInteger span = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE);
      boolean prefix = lo.and(span).signum() == 0 && hi.equals(lo.or(span));
      String tail = "/" + ts.protocol() + "/" + port;
      if (!prefix) {
        return start + "-" + end + tail + " (type=" + (v6 ? 9 : 7) + ")";
      }
      if (v6) {
        return start + "/" + (128 - hostBits) + tail + " (type=" + (hostBits == 0 ? 5 : 8) + ")";
      }
      long wildcard = span.longValue();
      String w = ((wildcard >>> 24) & 255) + "." + ((wildcard >>> 16) & 255) + "." + ((wildcard >>> 8) & 255) + "."
          + (wildcard & 255);
      return start + "/" + w + tail + " (type=" + (hostBits == 0 ? 1 : 4) + ")";
    } catch (UnknownHostException e) {
      return start + "-" + end + "/" + ts.protocol() + "/" + port + " (type=7)";
    }
  }
}

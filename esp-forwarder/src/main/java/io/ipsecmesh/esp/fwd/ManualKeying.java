package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code crypto map NAME SEQ ipsec-manual} with {@code set session-key inbound|outbound esp …}: the
 * SA pairs the configuration itself defines, so two gateways forward with no IKE at all. Keys are
 * wrapped at once like IKE-derived ones, so manual and negotiated SAs take the same path. Manual
 * SAs have no lifetime (nothing could rekey them); replay and idle settings still apply.
 */
public final class ManualKeying {

  /** Connection ids of manual SAs, apart from the ones ike-service assigns. */
  static final int CONNECTION_ID_BASE = 3000;

  private ManualKeying() {}

  /**
   * @param problems receives one line per crypto map entry that cannot become an SA (no key
   *     material in the text)
   */
  public static List<ChildSa> childSas(GatewayConfig config, KeyWrap wrap, Consumer<String> problems) {
    List<ChildSa> out = new ArrayList<>();
    for (CryptoMapEntry e : config.cryptoMaps()) {
      if (e.keying() != CryptoMapEntry.Keying.IPSEC_MANUAL) {
        continue;
      }
      String where = "crypto map " + e.name() + " " + e.seq() + " ipsec-manual";
      if (e.inboundEsp() == null || e.outboundEsp() == null || e.peers().isEmpty() || e.transformSets().isEmpty()) {
        problems.accept(where + ": needs set peer, set transform-set and both session keys");
        continue;
      }
      TransformSet ts = config.transformSet(e.transformSets().get(0));
      if (ts == null) {
        problems.accept(where + ": transform set " + e.transformSets().get(0) + " does not exist");
        continue;
      }
      if (ts.transform().aead) {
        // RFC 4106 §2, RFC 8221 §3: counter-mode AEADs MUST NOT be used with manual keys (config-service refuses
        // the configuration; this guards a model from elsewhere): a restart would repeat nonces under the key
        problems.accept(where + ": " + ts.transform().iosName + " must not be used with manual keys (RFC 4106 §2,"
            + " RFC 8221 §3): use esp-aes 256 esp-sha256-hmac");
        continue;
      }
      byte[] in = keyMaterial(e.inboundEsp());
      byte[] outKeys = keyMaterial(e.outboundEsp());
      try {
        int need = ts.transform().keyMaterialBytes();
        if (in.length != need || outKeys.length != need) {
          problems.accept(where + ": " + ts.transform().iosName + " needs " + need + " bytes of key material per "
              + "direction (cipher" + (ts.transform().aead ? " key + 4-byte salt" : " key + authenticator") + ")");
          continue;
        }
        SaSettings s = config.effectiveSa(e);
        String local = localAddress(config, e.name(), e.peers().get(0).indexOf(':') >= 0);
        out.add(new ChildSa("", CONNECTION_ID_BASE + out.size() + 1, e.name(), e.seq(), e.inboundEsp().spi(),
            e.outboundEsp().spi(), ts.transform(), ts.mode() == null ? ChildSa.Mode.TUNNEL : ts.mode(),
            config.natTransparency(), false, s.replay() == null ? 64 : s.replay().effectiveWindow(), local,
            UdpEncapClassifier.PORT, e.peers().get(0), UdpEncapClassifier.PORT, List.of(), List.of(),
            new ChildSa.Lifetime(0, 0, 0, 0), s.idleTimeSeconds() == null ? 0 : s.idleTimeSeconds(),
            config.dfBit().keyword(), wrap.wrap(in), wrap.wrap(outKeys), 0));
      } finally {
        Arrays.fill(in, (byte) 0);
        Arrays.fill(outKeys, (byte) 0);
      }
    }
    return out;
  }

  /** Whether two manual SAs are the same configuration (wrapped keys differ run to run, so compare the rest). */
  public static boolean sameSpec(ChildSa a, ChildSa b, KeyWrap wrap) {
    if (a.inboundSpi() != b.inboundSpi() || a.outboundSpi() != b.outboundSpi() || a.transform() != b.transform()
        || !a.peerAddress().equals(b.peerAddress()) || a.replayWindow() != b.replayWindow()
        || !a.cryptoMap().equals(b.cryptoMap()) || a.mapSequence() != b.mapSequence()
        || a.idleTimeSeconds() != b.idleTimeSeconds()) {
      return false;
    }
    byte[] ai = wrap.unwrap(a.wrappedInboundKeys());
    byte[] bi = wrap.unwrap(b.wrappedInboundKeys());
    byte[] ao = wrap.unwrap(a.wrappedOutboundKeys());
    byte[] bo = wrap.unwrap(b.wrappedOutboundKeys());
    try {
      return java.security.MessageDigest.isEqual(ai, bi) && java.security.MessageDigest.isEqual(ao, bo);
    } finally {
      Arrays.fill(ai, (byte) 0);
      Arrays.fill(bi, (byte) 0);
      Arrays.fill(ao, (byte) 0);
      Arrays.fill(bo, (byte) 0);
    }
  }

  private static byte[] keyMaterial(SessionKey k) {
    byte[] c = k.cipherKey();
    byte[] a = k.authenticatorKey();
    byte[] all = Arrays.copyOf(c, c.length + a.length);
    System.arraycopy(a, 0, all, c.length, a.length);
    Arrays.fill(c, (byte) 0);
    Arrays.fill(a, (byte) 0);
    return all;
  }

  /** The interface's address of the peer's family: {@code ipv6 address} for an IPv6 peer, {@code ip address} else. */
  private static String localAddress(GatewayConfig config, String mapName, boolean ipv6Peer) {
    // crypto map NAME local-address IF: that interface's address, as for IKE-keyed SAs
    InterfaceConfig named = config.localInterface(mapName);
    String a = named == null ? null : ipv6Peer ? named.ipv6AddressOnly() : named.ipAddress();
    if (a != null) {
      return a;
    }
    for (InterfaceConfig i : config.interfacesWithCryptoMap(mapName)) {
      a = ipv6Peer ? i.ipv6AddressOnly() : i.ipAddress();
      if (a != null) {
        return a;
      }
    }
    return "";
  }
}

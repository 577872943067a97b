package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.replay.ReplayWindow;
import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.spd.RangeSelectors;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.spd.SelectorSet;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Builds the runtime form of a Child SA: unwraps its keys, creates the two ESP transforms and zeroes
 * the unwrapped key arrays at once (the transforms keep their own copies; docs/architecture.md,
 * "Keys under the KEK"), and picks the selectors the SA is checked against.
 */
public final class SaFactory {

  private final KeyWrap keyWrap;
  private final int socketFamily;

  public SaFactory(KeyWrap keyWrap, int socketFamily) {
    this.keyWrap = keyWrap;
    this.socketFamily = socketFamily;
  }

  /**
   * @param spd for a manual SA (no negotiated selectors) the crypto map entry's ACL is the selector
   * @throws IllegalArgumentException for an SA this forwarder cannot run (transport mode,
   *     bad key length, unknown peer address); the message never contains key material
   */
  public SaPair build(ChildSa sa, boolean manual, SecurityPolicyDatabase spd) {
    if (sa.mode() != ChildSa.Mode.TUNNEL) {
      throw new IllegalArgumentException("SA " + SpiText.of(sa.inboundSpi()) + ": only tunnel mode is supported");
    }
    SelectorSet selectors = selectors(sa, manual, spd);
    PeerEndpoint peer = peer(sa);
    byte[] inKeys = keyWrap.unwrap(sa.wrappedInboundKeys());
    byte[] outKeys = null;
    EspSaCrypto inCrypto = null;
    try {
      outKeys = keyWrap.unwrap(sa.wrappedOutboundKeys());
      inCrypto = EspSaCrypto.create(sa.transform(), inKeys, (int) sa.inboundSpi(), sa.esn());
      EspSaCrypto outCrypto = EspSaCrypto.create(sa.transform(), outKeys, (int) sa.outboundSpi(), sa.esn());
      SaPair pair = new SaPair(sa, manual);
      pair.in = new InboundSa(pair, (int) sa.inboundSpi(), inCrypto, new ReplayWindow(sa.replayWindow(), sa.esn()),
          selectors, sa.udpEncapsulation(), sa.udpEncapsulation() && !sa.localBehindNat());
      long hardKb = sa.lifetime() == null ? 0 : sa.lifetime().hardKilobytes();
      pair.out = new OutboundSa(pair, (int) sa.outboundSpi(), outCrypto, peer, selectors,
          hardKb > 0 ? hardKb * 1024 : Long.MAX_VALUE, sa.udpEncapsulation());
      return pair;
    } catch (RuntimeException e) {
      if (inCrypto != null) {
        inCrypto.destroy();
      }
      throw e;
    } finally {
      Arrays.fill(inKeys, (byte) 0);
      if (outKeys != null) {
        Arrays.fill(outKeys, (byte) 0);
      }
    }
  }

  /** Where the SA's packets go: the peer's address, port 4500 or its NAT-mapped port (0 for raw ESP). */
  public PeerEndpoint peer(ChildSa sa) {
    // raw ESP has no port: the sockaddr of a raw socket carries 0
    int port = !sa.udpEncapsulation() ? 0 : sa.peerPort() == 0 ? UdpEncapClassifier.PORT : sa.peerPort();
    java.net.InetAddress peer = Ip128.literal(sa.peerAddress());
    // an IPv6 peer leaves by an IPv6 socket (the IPv6 one beside an IPv4 socket, or a dual-stack one), RFC 8200
    int family = peer instanceof java.net.Inet6Address ? Libc.AF_INET6 : socketFamily;
    return new PeerEndpoint(new InetSocketAddress(peer, port), family,
        sa.udpEncapsulation() ? localSource(sa.localAddress()) : null);
  }

  /**
   * The SA's local address as the ESP source when it is one of this host's addresses (IPv4 by IP_PKTINFO, IPv6 by
   * IPV6_PKTINFO): with several
   * crypto map interfaces, or {@code crypto map … local-address}, ESP leaves from the address IKE used.
   * Null (the route chooses) for the wildcard, a link-local address, or an address this host does not have (a forwarder
   * in another namespace or container than the one IKE ran its SA for).
   */
  static java.net.InetAddress localSource(String localAddress) {
    if (localAddress == null || localAddress.isEmpty() || localAddress.equals("0.0.0.0")) {
      return null;
    }
    try {
      java.net.InetAddress a = Ip128.literal(localAddress);
      // IPv6 link-local sources would need a scope: left to the route
      return !a.isAnyLocalAddress() && !a.isLinkLocalAddress()
          && java.net.NetworkInterface.getByInetAddress(a) != null ? a : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static SelectorSet selectors(ChildSa sa, boolean manual, SecurityPolicyDatabase spd) {
    if (!manual && !sa.localSelectors().isEmpty() && !sa.remoteSelectors().isEmpty()) {
      return new RangeSelectors(sa.localSelectors(), sa.remoteSelectors());
    }
    SpdEntry e = spd.entry(sa.cryptoMap(), sa.mapSequence());
    if (e == null) {
      throw new IllegalArgumentException("SA " + SpiText.of(sa.inboundSpi()) + " has no selectors and crypto map "
          + sa.cryptoMap() + " " + sa.mapSequence() + " has no access list");
    }
    return e;
  }
}

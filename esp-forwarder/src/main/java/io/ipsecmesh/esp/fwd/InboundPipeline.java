package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.io.OuterReceiver;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.replay.ReplayWindow;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.spd.InnerPacketParser;
import io.ipsecmesh.esp.tun.PacketPort;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.EspNextHeader;
import java.net.InetSocketAddress;

/**
 * Outer side to inner side (RFC 4301 §5.2): SAD by SPI → anti-replay check → verify and decrypt in
 * place → window update → inner selectors check → inner port. Runs on the outer socket's event-loop
 * thread, allocation-free for ESP; IKE after the non-ESP marker goes to {@link IkePunt} within the
 * {@link PuntRateLimiter}'s rates.
 */
public final class InboundPipeline implements OuterReceiver {

  /**
   * At most ten invalid-SPI notifications a second reach the control plane, and at most one a second
   * per source address: a source that floods made-up SPIs (the DoS risk the seed names for
   * invalid-SPI recovery) takes one of the ten, never all, so a peer that really lost its SA is still
   * heard within a second.
   */
  static final int INVALID_SPI_PER_SECOND = 10;
  static final long INVALID_SPI_PER_SOURCE_NANOS = 1_000_000_000L;
  /** Sources remembered for the per-source limit, direct-mapped by address hash (no allocation). */
  private static final int SOURCE_SLOTS = 256;

  /** Where IKE messages that arrived on the 4500 socket go (ike-service, via {@code ike.punt}). */
  @FunctionalInterface
  public interface IkePunt {
    void punt(byte[] message, InetSocketAddress sender, InetSocketAddress local);
  }

  private final SaDatabase sad;
  private final PacketPort inner;
  private final ForwarderStats stats;
  private final SignalRing invalidSpis;
  private final IkePunt ike;
  private final FlowKey flow = new FlowKey();
  /** The Easy VPN remote's client-mode translation back to the inside host, or null. */
  private volatile InnerTranslation translation;
  private long invalidSpiWindowNanos;
  private int invalidSpiInWindow;
  private final int[] sourceHash = new int[SOURCE_SLOTS];
  private final long[] sourceNanos = new long[SOURCE_SLOTS];
  private PuntRateLimiter puntLimiter =
      new PuntRateLimiter(PuntRateLimiter.DEFAULT_PER_SOURCE, PuntRateLimiter.DEFAULT_GLOBAL);
  private volatile Handoff handoff = Handoff.DROP;
  /** The packet thread's clock; tests replace it to check the limits without waiting. */
  java.util.function.LongSupplier nanoClock = System::nanoTime;

  public InboundPipeline(SaDatabase sad, PacketPort inner, ForwarderStats stats, SignalRing invalidSpis, IkePunt ike) {
    this.sad = sad;
    this.inner = inner;
    this.stats = stats;
    this.invalidSpis = invalidSpis;
    this.ike = ike;
  }

  /** Scale-out: where packets of SAs another instance owns go. */
  public void handoff(Handoff h) {
    this.handoff = h;
  }

  @Override
  public void onEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
    esp(buf, off, len, sender, true);
  }

  @Override
  public void onRawEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
    esp(buf, off, len, sender, false);
  }

  private void esp(PacketBuffer buf, int off, int len, InetSocketAddress sender, boolean udp) {
    stats.outerEsp++;
    byte[] a = buf.array();
    int spi = EspHeader.readSpi(a, off);
    InboundSa sa = sad.tables().inbound(spi);
    if (sa == null || sa.pair.hardExpired) {
      stats.invalidSpi++;
      invalidSpi(spi, sender);
      return;
    }
    // no check of the encapsulation against the SA's: "all devices MUST be able to receive and process both
    // UDP-encapsulated ESP and non-UDP-encapsulated ESP packets at any time", each side choosing for itself
    // what it sends (RFC 7296 §2.23). The SA's own choice decides what we send and whether we follow the peer.
    String owner = sa.pair.remoteOwner;
    if (owner != null) {
      handoff.inbound(owner, a, off, len, sender, udp); // its replay window is the owner's (scale-out)
      return;
    }
    long seq = sa.replay.checkAndInferSeq(EspHeader.readInt(a, off + EspHeader.SEQ_OFFSET));
    if (seq == ReplayWindow.REJECT) {
      sa.replayFailures++;
      return;
    }
    EspSaCrypto c = sa.crypto;
    int n = c.open(a, off, len, seq);
    if (n < 0) {
      sa.recvErrors++;
      if (n == EspSaCrypto.ICV_FAIL) {
        sa.authFailures++;
      }
      return;
    }
    sa.replay.update(seq);
    OutboundSa out = sa.pair.out;
    if (out.held) {
      out.held = false; // the peer sends on this pair, so it receives on it too (RFC 7296 §2.8)
    }
    // only now is the source worth believing: the ICV proved the packet is the peer's and the window
    // that it is not a replay of an older one (RFC 7296 §2.23, RFC 3948)
    // (raw ESP has no port to follow)
    if (udp && sa.followsPeer && sender.getPort() != sa.pair.out.peer.address().getPort()) {
      followPeer(sa, sender);
    }
    int nh = c.lastNextHeader();
    if (nh == EspNextHeader.NO_NEXT_HEADER) {
      stats.inboundDummy++; // RFC 4303 §2.6: traffic-flow padding, discard silently
      return;
    }
    int pt = c.plaintextOffset(off);
    if (!EspNextHeader.isTunnel(nh) || !InnerPacketParser.parse(a, pt, n, flow)
        || (flow.version == 4) != (nh == EspNextHeader.IPV4)) {
      sa.recvErrors++;
      return;
    }
    if (!sa.selectors.coversInbound(flow)) {
      sa.policyFailures++;
      return;
    }
    InnerTranslation x = translation;
    if (x != null && !x.inbound(a, pt, n, flow)) {
      return; // counted by the translation
    }
    if (!inner.write(buf, pt, n)) {
      sa.recvErrors++;
      return;
    }
    sa.decaps++;
    sa.decapBytes += n;
  }

  /**
   * The peer's NAT gave it another port. The outbound half sends there from the next packet on, so
   * replies never go to the stale mapping; the supervisor tells ike-service (fwd.nat-mapping) on its
   * next tick, which moves the IKE SA and re-announces the SA to other forwarders and nat-keepalive.
   * Another address is not followed: the peer's address is the SA's identity for IKE, DPD, show and
   * clear (IKE does not follow one either), and a NAT that keeps the address is the common case.
   */
  private void followPeer(InboundSa sa, InetSocketAddress sender) {
    if (!sender.getAddress().equals(sa.pair.out.peer.address().getAddress())) {
      return;
    }
    sa.pair.out.followPort(sender.getPort());
    sa.peerMoves++;
  }

  private void invalidSpi(int spi, InetSocketAddress sender) {
    long now = nanoClock.getAsLong();
    // an IPv4 address's hash is the address itself; computing it allocates nothing
    int h = sender.getAddress().hashCode();
    int slot = (h ^ (h >>> 16) ^ (h >>> 24)) & (SOURCE_SLOTS - 1);
    if (sourceNanos[slot] != 0 && sourceHash[slot] == h && now - sourceNanos[slot] < INVALID_SPI_PER_SOURCE_NANOS) {
      return;
    }
    if (invalidSpiWindowNanos == 0 || now - invalidSpiWindowNanos >= 1_000_000_000L) {
      invalidSpiWindowNanos = now;
      invalidSpiInWindow = 0;
    }
    if (invalidSpiInWindow >= INVALID_SPI_PER_SECOND) {
      return;
    }
    invalidSpiInWindow++;
    sourceHash[slot] = h;
    sourceNanos[slot] = now == 0 ? 1 : now;
    // rate-limited slow path: reading the sender's address bytes may allocate
    long hi = Ip128.hi(sender.getAddress());
    long lo = Ip128.lo(sender.getAddress());
    invalidSpis.offer(spi & 0xFFFF_FFFFL, hi, lo, sender.getPort(), 0, 0);
  }

  @Override
  public void onIke(byte[] message, InetSocketAddress sender, InetSocketAddress local) {
    if (!puntLimiter.allow(sender.getAddress(), nanoClock.getAsLong())) {
      return; // counted by the limiter (ipsecmesh_esp_ike_punt_dropped)
    }
    stats.ikePunted++;
    ike.punt(message, sender, local);
  }

  /** Translates decrypted packets after their selector check from now on (null: none). */
  public void translation(InnerTranslation t) {
    this.translation = t;
  }

  /** Replaces the IKE punt rate limits; call before the outer socket delivers (the limiter is not shared). */
  public void puntRateLimiter(PuntRateLimiter limiter) {
    this.puntLimiter = limiter;
  }

  public PuntRateLimiter puntRateLimiter() {
    return puntLimiter;
  }

  /** End of a receive batch: coalesced inner packets leave now, so coalescing adds no latency. */
  @Override
  public void onBatchEnd() {
    inner.flush();
  }

  @Override
  public void onKeepalive(InetSocketAddress sender) {
    stats.natKeepalivesReceived++;
  }

  @Override
  public void onMalformed(InetSocketAddress sender) {
    stats.outerMalformed++;
  }
}

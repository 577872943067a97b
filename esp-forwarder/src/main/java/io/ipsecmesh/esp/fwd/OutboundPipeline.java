package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.df.DfSwitch;
import io.ipsecmesh.esp.df.DfSwitchingSender;
import io.ipsecmesh.esp.df.OuterDf;
import io.ipsecmesh.esp.frag.FragmentStats;
import io.ipsecmesh.esp.frag.FragmentationNeeded;
import io.ipsecmesh.esp.frag.Icmp6Sender;
import io.ipsecmesh.esp.frag.IcmpSender;
import io.ipsecmesh.esp.frag.PacketTooBig;
import io.ipsecmesh.esp.frag.InnerFragmenter;
import io.ipsecmesh.esp.frag.TunnelMtuPolicy;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.InnerPacketParser;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.esp.EspNextHeader;

/**
 * Inner side to outer side (RFC 4301 §5.1): selectors of the packet → SPD → outbound SA → next
 * sequence number → ESP seal in place → send. Runs on the inner port's reader thread and allocates
 * nothing per packet. A packet the SPD does not protect is dropped and counted: the inner port only
 * receives what the routes steer into the tunnel.
 *
 * <p>Tunnel mode, seed 003: the outer DF bit follows {@code crypto ipsec df-bit} per packet, and a
 * packet whose ESP packet would exceed the egress {@code ip mtu} is, by the seed's pre-fragmentation
 * table, fragmented before encryption (inner fragments of equal size, each its own ESP packet),
 * after encryption (the outer packet leaves with DF clear and the IP layer fragments it; the peer's
 * kernel reassembles before its forwarder decrypts), or — DF set inside and {@code df-bit set|copy}
 * — dropped with an ICMP fragmentation-needed carrying the tunnel's inner MTU back to the source.
 */
public final class OutboundPipeline implements InnerPacketHandler, InnerFragmenter.Sink {

  /** At most one {@code fwd.acquire} per crypto map entry per second. */
  static final long ACQUIRE_INTERVAL_NANOS = 1_000_000_000L;
  /** At most a hundred ICMP fragmentation-needed messages a second (a router rate-limits its ICMP). */
  static final long ICMP_INTERVAL_NANOS = 10_000_000L;

  private final SaDatabase sad;
  private final DfSwitchingSender udpSender;
  private final DfSwitchingSender rawSender;
  /** IPv6 peers' senders (the IPv6 sockets beside IPv4 ones); null: the IPv4 ones serve (dual-stack) or none. */
  private final DfSwitchingSender udp6Sender;
  private final DfSwitchingSender raw6Sender;
  private final ForwarderStats stats;
  private final SignalRing acquires;
  private final FlowKey flow = new FlowKey();
  /** The SA whose packets the sender holds in its batch, with their number and inner bytes. */
  private OutboundSa pendingSa;
  private int pendingPackets;
  private long pendingBytes;
  private volatile TunnelMtuPolicy mtuPolicy = TunnelMtuPolicy.DEFAULT;
  private volatile IcmpSender icmp = IcmpSender.NONE;
  private volatile Icmp6Sender icmp6 = Icmp6Sender.NONE;
  private final FragmentStats fragStats = new FragmentStats();
  private final InnerFragmenter fragmenter = new InnerFragmenter();
  private final byte[] icmpMessage = new byte[FragmentationNeeded.MAX_LENGTH];
  private final byte[] icmp6Message = new byte[PacketTooBig.MAX_LENGTH];
  private long lastIcmpNanos;
  /** The SA, sender and outer DF of the packet being fragmented, for {@link #fragment}. */
  private OutboundSa fragSa;
  private DfSwitchingSender fragSender;
  private boolean fragDf;
  /** The Easy VPN remote's client-mode translation, or null (no translation). */
  private volatile InnerTranslation translation;
  /** The largest ESP packet of the SA being fragmented that leaves unfragmented (egress MTU minus outer headers). */
  private int fragOuterLimit;

  /** @param rawSender for SAs without UDP encapsulation; null when no raw ESP socket could be opened */
  public OutboundPipeline(SaDatabase sad, EspSender udpSender, EspSender rawSender, ForwarderStats stats,
      SignalRing acquires) {
    this(sad, udpSender, rawSender, null, null, stats, acquires);
  }

  /**
   * @param udp6Sender ESP-in-UDP to IPv6 peers (an IPv6 socket beside an IPv4 {@code udpSender}); null when the
   *     {@code udpSender} is a dual-stack socket's, which then serves them
   * @param raw6Sender raw ESP to IPv6 peers (an IPv6 raw socket), or null
   */
  public OutboundPipeline(SaDatabase sad, EspSender udpSender, EspSender rawSender, EspSender udp6Sender,
      EspSender raw6Sender, ForwarderStats stats, SignalRing acquires) {
    this.sad = sad;
    this.udpSender = dfSwitching(udpSender);
    this.rawSender = dfSwitching(rawSender);
    this.udp6Sender = dfSwitching(udp6Sender);
    this.raw6Sender = dfSwitching(raw6Sender);
    this.stats = stats;
    this.acquires = acquires;
  }

  @Override
  public void onInnerPacket(PacketBuffer buf, int off, int len) {
    stats.innerPackets++;
    byte[] a = buf.array();
    if (!InnerPacketParser.parse(a, off, len, flow)) {
      stats.innerMalformed++;
      return;
    }
    InnerTranslation x = translation;
    if (x != null && !x.outbound(a, off, len, flow)) {
      return; // counted by the translation
    }
    ForwardingTables t = sad.tables();
    SpdEntry entry = t.spd.lookup(flow);
    if (entry == null) {
      stats.innerClear++;
      return;
    }
    OutboundSa sa = t.outbound(entry, flow);
    if (sa == null) {
      stats.innerNoSa++;
      acquire(t, entry);
      return;
    }
    // limit before floor: a block's floor is written before its limit (see OutboundSa#grant)
    long limit = sa.sequenceLimit;
    long seq = Math.max(sa.nextSequence, sa.sequenceFloor);
    if (seq > limit || sa.encapBytes >= sa.hardBytes) {
      sa.sequenceStarved++;
      sa.sendErrors++;
      return;
    }
    DfSwitchingSender sender = senderOf(sa);
    if (sender == null) {
      sa.sendErrors++;
      return;
    }
    // the SA's own egress interface's policy (several crypto map interfaces), else the default one
    TunnelMtuPolicy own = sa.mtuPolicy;
    TunnelMtuPolicy p = own != null ? own : mtuPolicy;
    EspSaCrypto c = sa.crypto;
    // RFC 8200 §3: a 40-byte IPv6 header for an IPv6 peer, 20 bytes (RFC 791) for IPv4; UDP 8 (RFC 3948 §2.1)
    int outerHeader = (sa.outer6 ? 40 : 20) + (sa.udp ? 8 : 0);
    int tunnelMtu = p.tunnelIpMtu();
    if (outerHeader + c.sealedLength(len) > p.mtu() || (tunnelMtu > 0 && len > tunnelMtu)) {
      oversized(sa, sender, seq, buf, off, len, p, outerHeader);
      return;
    }
    sealAndSend(sa, sender, seq, buf, off, len, OuterDf.outerDf(p.dfBit(), flow.dontFragment), false);
  }

  /**
   * The seed's table for a packet whose ESP packet exceeds the MTU: DF inside and df-bit set or copy
   * → drop + ICMP; otherwise pre-fragment (IPv4, before-encryption) or let the IP layer fragment the
   * outer packet. IPv6 inner packets are never fragmented on the path (RFC 8200 §5, no DF bit to clear): they are
   * dropped and answered with ICMPv6 Packet Too Big (RFC 4443 §3.2) naming the inner MTU that fits, whatever
   * df-bit and fragmentation say — unless that MTU is below the IPv6 minimum of 1280, when packets up to 1280 are
   * carried anyway, fragmented after encryption (the tunnel is a link, and every link carries 1280, RFC 8200 §5).
   */
  private void oversized(OutboundSa sa, DfSwitchingSender sender, long seq, PacketBuffer buf, int off, int len,
      TunnelMtuPolicy p, int outerHeader) {
    int innerMtu = sa.crypto.maxPayload(p.mtu() - outerHeader);
    if (p.tunnelIpMtu() > 0) {
      // a tunnel interface: its ip mtu is the inner limit; within it the ESP packet is fragmented after encryption
      if (len <= p.tunnelIpMtu()) {
        fragStats.fragmentedAfterEncryption++;
        sealAndSend(sa, sender, seq, buf, off, len, false, true);
        return;
      }
      innerMtu = p.tunnelIpMtu();
    }
    if (flow.version == 6) {
      int fits = innerMtu;
      if (fits < PacketTooBig.IPV6_MIN_MTU) {
        if (len <= PacketTooBig.IPV6_MIN_MTU) {
          fragStats.fragmentedAfterEncryption++;
          sealAndSend(sa, sender, seq, buf, off, len, false, true);
          return;
        }
        fits = PacketTooBig.IPV6_MIN_MTU;
      }
      fragStats.packetTooBigDrops++;
      packetTooBig(buf.array(), off, len, fits);
      return;
    }
    if (flow.dontFragment && p.dfBit() != DfBit.CLEAR) {
      fragStats.dfDrops++;
      fragmentationNeeded(buf.array(), off, len, innerMtu);
      return;
    }
    if (p.beforeEncryption() && flow.version == 4) {
      fragSa = sa;
      fragSender = sender;
      fragDf = OuterDf.outerDf(p.dfBit(), false);
      fragOuterLimit = p.mtu() - outerHeader;
      int n = fragmenter.fragment(buf.array(), off, len, innerMtu, this);
      fragSa = null;
      fragSender = null;
      if (n > 0) {
        fragStats.fragmentedBeforeEncryption++;
        fragStats.fragmentsSent += n;
        return;
      }
    }
    fragStats.fragmentedAfterEncryption++;
    sealAndSend(sa, sender, seq, buf, off, len, false, true);
  }

  /** One pre-fragmented piece: encrypted and sent like any inner packet of the SA. */
  @Override
  public void fragment(PacketBuffer buf, int off, int len) {
    OutboundSa sa = fragSa;
    long seq = Math.max(sa.nextSequence, sa.sequenceFloor);
    if (seq > sa.sequenceLimit) {
      sa.sequenceStarved++;
      sa.sendErrors++;
      return;
    }
    // a tunnel's ip mtu may be above what the egress interface carries: such a piece is fragmented after encryption
    boolean alone = sa.crypto.sealedLength(len) > fragOuterLimit;
    sealAndSend(sa, fragSender, seq, buf, off, len, alone ? false : fragDf, alone);
  }

  /**
   * ICMPv6 Packet Too Big to the inner source, rate-limited together with fragmentation-needed (RFC 4443 §2.4 (f)),
   * never about an ICMPv6 error message (RFC 4443 §2.4 (e.1); types below 128 are errors, §2.1).
   */
  private void packetTooBig(byte[] a, int off, int len, int mtu) {
    if (flow.protocol == 58 && flow.srcPort < 128) {
      return;
    }
    long now = System.nanoTime();
    if (lastIcmpNanos != 0 && now - lastIcmpNanos < ICMP_INTERVAL_NANOS) {
      return;
    }
    lastIcmpNanos = now;
    int n = PacketTooBig.write(icmp6Message, a, off, len, mtu, 0, 0);
    if (n > 0 && icmp6.send(icmp6Message, n, flow.srcHi, flow.srcLo)) {
      fragStats.packetTooBigSent++;
    }
  }

  private void fragmentationNeeded(byte[] a, int off, int len, int innerMtu) {
    long now = System.nanoTime();
    if (lastIcmpNanos != 0 && now - lastIcmpNanos < ICMP_INTERVAL_NANOS) {
      return;
    }
    lastIcmpNanos = now;
    int n = FragmentationNeeded.write(icmpMessage, a, off, len, innerMtu);
    if (n > 0 && icmp.send(icmpMessage, n, (int) flow.srcLo)) {
      fragStats.icmpSent++;
    }
  }

  /**
   * @param alone the packet exceeds the MTU and leaves in a datagram of its own, so the IP layer
   *     can fragment it
   */
  private void sealAndSend(OutboundSa sa, DfSwitchingSender sender, long seq, PacketBuffer buf, int off, int len,
      boolean df, boolean alone) {
    EspSaCrypto c = sa.crypto;
    byte[] a = buf.array();
    int nextHeader = (a[off] & 0xF0) == 0x40 ? EspNextHeader.IPV4 : EspNextHeader.IPV6;
    int espLen = c.seal(seq, a, off, len, nextHeader);
    if (espLen < 0) {
      sa.sendErrors++;
      return;
    }
    sa.nextSequence = seq + 1;
    PeerEndpoint peer = sa.peer;
    sender.next(df, alone);
    if (pendingPackets > 0 && (pendingSa != sa || !sender.fits(espLen, peer))) {
      flushPending();
    }
    if (!sender.send(buf, off - c.headroom(), espLen, peer)) {
      sa.sendErrors++;
      return;
    }
    if (sender.batching()) {
      pendingSa = sa;
      pendingPackets++;
      pendingBytes += len;
    } else {
      sa.encaps++;
      sa.encapBytes += len;
    }
  }

  /**
   * The socket an SA's packets leave by: UDP 4500 or raw ESP, IPv4 or IPv6 by the peer's family. With a dual-stack
   * socket (no IPv6 sender of its own) the IPv4 sender serves IPv6 peers too; with none for raw IPv6, null.
   */
  private DfSwitchingSender senderOf(OutboundSa sa) {
    if (!sa.outer6) {
      return sa.udp ? udpSender : rawSender;
    }
    if (sa.udp) {
      return udp6Sender != null ? udp6Sender : udpSender != null && udpSender.family() == Libc.AF_INET6
          ? udpSender : null;
    }
    return raw6Sender;
  }

  private static DfSwitchingSender dfSwitching(EspSender s) {
    return s == null ? null : s instanceof DfSwitchingSender d ? d : new DfSwitchingSender(s, DfSwitch.NONE);
  }

  /** Translates inner packets before the SPD from now on (null: none); see {@link InnerTranslation}. */
  public void translation(InnerTranslation t) {
    this.translation = t;
  }

  /** The default df-bit, fragmentation and ip mtu (SAs without an interface policy of their own), from now on. */
  public void mtuPolicy(TunnelMtuPolicy policy) {
    this.mtuPolicy = policy;
  }

  public TunnelMtuPolicy mtuPolicy() {
    return mtuPolicy;
  }

  /** Where ICMP fragmentation-needed messages go (a raw socket in production). */
  public void icmpSender(IcmpSender sender) {
    this.icmp = sender;
  }

  /** Where ICMPv6 Packet Too Big messages go (a raw ICMPv6 socket in production). */
  public void icmp6Sender(Icmp6Sender sender) {
    this.icmp6 = sender;
  }

  public FragmentStats fragmentStats() {
    return fragStats;
  }

  /** The UDP sender with its DF switch (for tests and metrics). */
  public DfSwitchingSender udpSender() {
    return udpSender;
  }

  /** The inner side ran dry: the batch goes out now, so batching never adds latency. */
  @Override
  public void onBatchEnd() {
    if (pendingPackets > 0) {
      flushPending();
    }
  }

  private void flushPending() {
    OutboundSa sa = pendingSa;
    int lost = senderOf(sa).flush();
    sa.encaps += pendingPackets - lost;
    sa.sendErrors += lost;
    if (lost < pendingPackets) {
      sa.encapBytes += pendingBytes;
    }
    pendingSa = null;
    pendingPackets = 0;
    pendingBytes = 0;
  }

  private void acquire(ForwardingTables t, SpdEntry entry) {
    if (entry.manual() || entry.dynamic()) {
      // manual keying: nothing to negotiate; a dynamic crypto map: no peer to negotiate with, IOS never
      // initiates from one (its traffic waits, dropped, until a peer brings an SA)
      return;
    }
    long now = System.nanoTime();
    int i = entry.index();
    if (i < t.lastAcquireNanos.length && t.lastAcquireNanos[i] != 0
        && now - t.lastAcquireNanos[i] < ACQUIRE_INTERVAL_NANOS) {
      return;
    }
    if (i < t.lastAcquireNanos.length) {
      t.lastAcquireNanos[i] = now;
    }
    acquires.offer(i, flow.srcHi, flow.srcLo, flow.dstHi, flow.dstLo, flow.protocol);
  }
}

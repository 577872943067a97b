package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.UdpEncapSocket;
import io.ipsecmesh.esp.spd.AclRule;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.esp.tun.PacketPort;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sends throwaway ESP through the forwarder's own packet path once, at start, so that the JIT has compiled it
 * before the first real packet arrives.
 *
 * <p>Why: a fresh JVM interprets the packet path. Traced on the namespace topology (docs/performance.md, "Data
 * plane with IKE-negotiated SAs"), the first pings through two fresh gateways took 3–4 ms, each gateway spending
 * 0.2–0.6 ms from its TUN to the wire and 0.8–1.6 ms from the wire to its TUN (JCE AES-GCM, the Netty receive
 * path, the pipelines, all interpreted); after a few thousand packets the same lone pings took under 0.3 ms per
 * hop. No batch waited for a flush: the batching senders flush as soon as the inner side runs dry
 * ({@link OutboundPipeline#onBatchEnd}), the TUN writer when a receive batch ends ({@link InboundPipeline#onBatchEnd}).
 *
 * <p>How: a second {@link DataPlane} of the same classes (its own SAD, counters and inner port, nothing shared with
 * the real one) holds, per transform, two SAs whose outbound and inbound halves are the same throwaway key and SPI —
 * one with 32-bit sequence numbers, one with ESN (RFC 4303 §2.2.1), which IKEv2 SAs usually negotiate — with the peer
 * being a UDP socket on the loopback address that the caller opened like the 4500 socket (same event loop, same
 * options) and whose sender is the same kind as the real one. Each packet takes the whole path — SPD, seal,
 * sendmmsg/sendto, epoll and recvmmsg, classification, anti-replay, open, selector check, the inner port — most of
 * them alone in their batch, as a lone ping does; ICMP, UDP and TCP in turn, and both SAs in turn, so that every
 * branch a real packet takes has been taken (a branch the JIT saw never taken is compiled as a trap, and the first
 * real packet to take it would throw the compiled method away). The loopback traffic never leaves the host; the keys
 * are random, used for nothing else and destroyed at the end. Bounded by a packet count per transform and a deadline.
 */
public final class DataPathWarmup {

  /** Packets per transform: enough for the JIT's optimising tier (about 10 000 invocations) on every hot method. */
  public static final int DEFAULT_PACKETS = 20_000;
  /** The transforms warmed by default: AES-GCM (RFC 8221's MUST) and AES-CBC with HMAC-SHA-256. */
  public static final List<EspTransform> DEFAULT_TRANSFORMS =
      List.of(EspTransform.AES_GCM_128, EspTransform.AES_CBC_256_HMAC_SHA256_128);
  /** Packets in flight at most: the loopback socket's receive buffer never overflows. */
  static final int WINDOW = 256;
  /** How long a finished transform's SA stays readable after the socket stopped delivering to it. */
  private static final long RETIRE_GRACE_NANOS = 20_000_000L;
  /** How long the warm-up sleeps between looks at what came back. */
  private static final long POLL_NANOS = 100_000L;
  /** Looks without progress after which a window's missing packets count as lost (about 0.1 s). */
  static final int STALL_POLLS = 1_000;
  /** One inner packet: an IPv4 packet of ping's default size (84 bytes). */
  static final int PACKET = 84;
  private static final String MAP = "esp-warm-up";
  /** Documentation addresses (RFC 5737): the inner packets name no real host, and they never leave the process. */
  private static final byte[] SOURCE = {(byte) 192, 0, 2, 1};
  /** The destination of the packets of the SA without ESN; that of the ESN one ends in 2. */
  private static final byte[] DESTINATION = {(byte) 198, 51, 100, 1};

  /** What one warm-up did per transform: packets sealed and sent, and received, opened and written inside. */
  public record Result(EspTransform transform, long sent, long received, long nanos) {}

  private final UdpEncapSocket loopback;
  private final EspSender sender;
  private final LongSupplier nanoClock;

  /**
   * @param loopback a bound UDP socket on the loopback address, opened like the 4500 socket; this warm-up
   *     becomes its receiver and leaves it open (the caller closes it)
   * @param sender   that socket's sender, of the same kind as the real 4500 socket's
   */
  public DataPathWarmup(UdpEncapSocket loopback, EspSender sender, LongSupplier nanoClock) {
    this.loopback = loopback;
    this.sender = sender;
    this.nanoClock = nanoClock;
  }

  /**
   * Runs {@code packets} packets of each transform through the path, in windows of {@link #WINDOW}; a window that
   * does not come back by {@code deadlineNanos} (on {@code nanoClock}) ends the run, and so does an interrupt.
   * Blocking: call it from a thread of its own, never from an event loop.
   */
  public List<Result> run(List<EspTransform> transforms, int packets, long deadlineNanos) {
    List<Result> results = new ArrayList<>();
    for (EspTransform t : transforms) {
      if (over(deadlineNanos)) {
        break;
      }
      results.add(warm(t, packets, deadlineNanos));
    }
    return results;
  }

  private Result warm(EspTransform transform, int packets, long deadlineNanos) {
    long start = nanoClock.getAsLong();
    CountingPort inside = new CountingPort();
    SaDatabase sad = new SaDatabase(p -> {});
    sad.setSpd(SecurityPolicyDatabase.empty().withEntry(MAP, 1, toHost(1)).withEntry(MAP, 2, toHost(2)));
    DataPlane plane = new DataPlane(sad, inside, sender, (m, s, l) -> {});
    SaPair[] pairs = {pair(transform, false, 1, sad), pair(transform, true, 2, sad)};
    loopback.receiver(plane.inbound());
    PacketBuffer buf = new PacketBuffer();
    long sent = 0;
    try {
      for (int w = 0; sent < packets && !over(deadlineNanos); w++) {
        int window = (int) Math.min(WINDOW, packets - sent);
        for (int i = 0; i < window; i++) {
          innerPacket(buf.array(), PacketBuffer.HEADROOM, (int) (sent + i), 1 + (w & 1));
          plane.outbound().onInnerPacket(buf, PacketBuffer.HEADROOM, PACKET);
          // most packets alone in their batch, as a lone ping is; every eighth batch of eight, as under load
          if ((sent + i) % 64 < 56 || i % 8 == 7) {
            plane.outbound().onBatchEnd();
          }
        }
        plane.outbound().onBatchEnd();
        sent += window;
        // the window back before the next; UDP on loopback may drop under memory pressure, so a window that stops
        // coming back for STALL_POLLS polls is given up on
        long seen = inside.written;
        for (int idle = 0; seen < sent && idle < STALL_POLLS && !over(deadlineNanos); ) {
          LockSupport.parkNanos(POLL_NANOS);
          long now = inside.written;
          idle = now == seen ? idle + 1 : 0;
          seen = now;
        }
      }
      return new Result(transform, pairs[0].out.encaps() + pairs[1].out.encaps(), inside.written,
          nanoClock.getAsLong() - start);
    } finally {
      loopback.receiver(NONE);
      // a datagram the event loop took before the switch (a run cut short) is opened within microseconds: its key
      // is wiped after that, as ChildSaFeed#retire waits before wiping a retired SA's
      LockSupport.parkNanos(RETIRE_GRACE_NANOS);
      for (SaPair p : pairs) {
        sad.remove(p.sa.inboundSpi());
        p.destroyKeys();
      }
    }
  }

  /** {@code permit ip any host 198.51.100.N}: the crypto map entry of SA {@code n}. */
  private static AclRule[] toHost(int n) {
    return new AclRule[] {AclRule.compile(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", AddressMatch.ANY,
        null, AddressMatch.host("198.51.100." + n), null, null))};
  }

  /** Past the deadline, or the thread was interrupted (the forwarder stops). */
  private boolean over(long deadlineNanos) {
    return nanoClock.getAsLong() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted();
  }

  /** One SA looped back to itself: the same SPI and key both ways, selectors covering every address. */
  private SaPair pair(EspTransform transform, boolean esn, int mapSequence, SaDatabase sad) {
    SecureRandom random = new SecureRandom();
    byte[] kek = new byte[32];
    random.nextBytes(kek);
    KeyWrap wrap = new KeyWrap(kek);
    Arrays.fill(kek, (byte) 0);
    byte[] keys = new byte[transform.encKeyBytes + transform.integKeyBytes];
    random.nextBytes(keys);
    byte[] wrapped = wrap.wrap(keys);
    Arrays.fill(keys, (byte) 0);
    // an SPI from the range the IKE SPI allocator never hands out would be nicer; any is fine, as the SAD is ours
    long spi = 0x0000_0100L + random.nextInt(0x7fff_0000);
    List<TrafficSelector> all = List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255"));
    // the local address too, as IKE names it: the SA's packets then carry their source (IP_PKTINFO) as real ones do
    String address = loopback.localAddress().getAddress().getHostAddress();
    ChildSa sa = new ChildSa(MAP, 0, MAP, mapSequence, spi, spi, transform, ChildSa.Mode.TUNNEL, true, esn, 64, address,
        loopback.localAddress().getPort(), address, loopback.localAddress().getPort(), all, all, null, 0, null,
        wrapped, wrapped.clone(), 0);
    SaPair pair = new SaFactory(wrap, loopback.family()).build(sa, false, sad.spd());
    pair.out.startAt(1, 0xFFFF_FFFFL);
    sad.install(pair);
    return pair;
  }

  /**
   * Inner packet {@code n} to {@code 198.51.100.host}: in turn an ICMP echo request (as ping sends), a UDP datagram and
   * a TCP segment with ACK and PSH, IPv4 with DF, the header checksum valid.
   */
  static void innerPacket(byte[] a, int off, int n, int host) {
    Arrays.fill(a, off, off + PACKET, (byte) 0);
    int protocol = switch (n % 3) {
      case 0 -> 1;
      case 1 -> 17;
      default -> 6;
    };
    a[off] = 0x45;
    a[off + 3] = PACKET;
    a[off + 4] = (byte) (n >>> 8); // identification
    a[off + 5] = (byte) n;
    a[off + 6] = 0x40; // DF, as ping and TCP set it
    a[off + 8] = 64;
    a[off + 9] = (byte) protocol;
    System.arraycopy(SOURCE, 0, a, off + 12, 4);
    System.arraycopy(DESTINATION, 0, a, off + 16, 4);
    a[off + 19] = (byte) host;
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += (a[off + i] & 0xff) << 8 | a[off + i + 1] & 0xff;
    }
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
    a[off + 10] = (byte) (sum >>> 8);
    a[off + 11] = (byte) sum;
    int t = off + 20;
    if (protocol == 1) {
      a[t] = 8; // echo request
      a[t + 6] = (byte) (n >>> 8);
      a[t + 7] = (byte) n;
      return;
    }
    a[t] = (byte) 0x9c; // source port 40000
    a[t + 1] = 0x40;
    a[t + 2] = 0x14; // destination port 5201 (iperf3's)
    a[t + 3] = 0x51;
    if (protocol == 17) {
      a[t + 5] = PACKET - 20; // UDP length; checksum 0 (none, RFC 768)
    } else {
      a[t + 7] = (byte) n; // sequence number
      a[t + 12] = 0x50; // data offset: 5 words
      a[t + 13] = 0x18; // ACK, PSH
      a[t + 14] = (byte) 0xff; // window
    }
  }

  /**
   * The warm-up's inner side: counts what the inbound pipeline hands it. No receive-side coalescing in front (a TUN
   * with offloads has it): its writer would be another class than the TUN's, and the first real packet would throw
   * away code compiled for this one.
   */
  private static final class CountingPort implements PacketPort {
    /** Written by the socket's event loop only, read by the warm-up thread. */
    volatile long written;

    @Override
    public String name() {
      return "warm-up";
    }

    @Override
    public void start(InnerPacketHandler handler) {
      // nothing to read: the warm-up feeds the outbound pipeline itself
    }

    @Override
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer
    public boolean write(PacketBuffer buf, int off, int len) {
      written++;
      return true;
    }

    @Override
    public void close() {
      // nothing was opened
    }
  }

  /** Where late datagrams of a finished warm-up go: nowhere. */
  private static final io.ipsecmesh.esp.io.OuterReceiver NONE = new io.ipsecmesh.esp.io.OuterReceiver() {
    @Override
    public void onEsp(PacketBuffer buf, int off, int len, java.net.InetSocketAddress sender) {}

    @Override
    public void onIke(byte[] message, java.net.InetSocketAddress sender, java.net.InetSocketAddress local) {}

    @Override
    public void onKeepalive(java.net.InetSocketAddress sender) {}

    @Override
    public void onMalformed(java.net.InetSocketAddress sender) {}
  };
}

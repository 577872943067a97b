package io.ipsecmesh.esp.ha;

import io.ipsecmesh.esp.fwd.Handoff;
import io.ipsecmesh.esp.fwd.SaOwnership;
import io.ipsecmesh.proto.runtime.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

/**
 * Hands packets of SAs another forwarder instance owns to that instance ({@code fwd.handoff.<owner>}), and
 * delivers the ones handed to this instance. The packet threads call the sending side (the 4500 socket's event
 * loop inbound, the TUN reader outbound: one thread per direction, so each direction's rate window is
 * single-threaded); it copies the packet into a {@link HandoffFrame} — the one allocation on this slow path —,
 * at most {@link #PER_SECOND} a second per direction, and counts every packet it does not send:
 * {@code ipsecmesh_esp_handoff_total{direction,outcome}}.
 *
 * <p>Raw ESP (IP protocol 50) is not handed off: every raw socket receives every ESP packet, so the owner has its
 * own copy. A packet whose SA nobody here may send on ({@link SaOwnership#FENCED}, {@link SaOwnership#NOT_JOINED})
 * is dropped.
 */
public final class EspHandoff implements Handoff {

  /** Packets per second and direction one instance hands off; beyond, dropped (a flood must not flood the bus). */
  public static final int PER_SECOND = 20_000;
  private static final long WINDOW_NANOS = 1_000_000_000L;
  private static final Counter HANDOFF = Counter.builder()
      .name("ipsecmesh_esp_handoff_total")
      .help("packets of SAs owned by another forwarder instance (scale-out): sent to the owner, received from "
          + "another instance, or dropped (rate, fenced, not-joined, raw-esp = the owner has its own copy, "
          + "malformed, backlog, bounced = handed to us but owned elsewhere by our view)")
      .labelNames("direction", "outcome")
      .register(Metrics.registry());

  /** Set while a handed-off packet runs through this thread's pipeline (one hop only). */
  static final ThreadLocal<boolean[]> DELIVERING = ThreadLocal.withInitial(() -> new boolean[1]);

  /** Runs {@code delivery} of a handed-off packet on the current thread, marked so it is not handed on again. */
  static void delivering(Runnable delivery) {
    boolean[] flag = DELIVERING.get();
    flag[0] = true;
    try {
      delivery.run();
    } finally {
      flag[0] = false;
    }
  }

  /** Sends a frame to {@code owner} (the bus in production). */
  public interface Bus {
    void send(String owner, byte[] frame);
  }

  /** Where frames handed to this instance go: its own pipelines, on their own threads. */
  public interface Target {
    void inbound(byte[] a, int off, int len, InetSocketAddress sender);

    void outbound(byte[] a, int off, int len);
  }

  private final Bus bus;
  private final LongSupplier nanos;
  private final Window in = new Window();
  private final Window out = new Window();

  public EspHandoff(Bus bus, LongSupplier nanos) {
    this.bus = bus;
    this.nanos = nanos;
  }

  @Override
  public void inbound(String owner, byte[] a, int off, int len, InetSocketAddress sender, boolean udp) {
    if (!udp) {
      count("inbound", "raw-esp");
    } else if (sendable("inbound", owner, in)) {
      bus.send(owner, HandoffFrame.inbound(a, off, len, sender));
      count("inbound", "sent");
    }
  }

  @Override
  public void outbound(String owner, byte[] a, int off, int len) {
    if (sendable("outbound", owner, out)) {
      bus.send(owner, HandoffFrame.outbound(a, off, len));
      count("outbound", "sent");
    }
  }

  private boolean sendable(String direction, String owner, Window w) {
    if (DELIVERING.get()[0]) {
      // handed to us, and we think another instance owns it: the two views disagree for a moment (a member
      // set changing); one hop only, no ping-pong
      count(direction, "bounced");
      return false;
    }
    if (!SaOwnership.isInstance(owner)) {
      count(direction, SaOwnership.FENCED.equals(owner) ? "fenced" : "not-joined");
      return false;
    }
    if (!w.allow(nanos.getAsLong())) {
      count(direction, "rate");
      return false;
    }
    return true;
  }

  /** A frame another instance handed to this one (any thread): decoded and given to {@code target}. */
  public static void received(byte[] frame, Target target) {
    HandoffFrame.Decoded d = HandoffFrame.decode(frame);
    if (d == null) {
      count("received", "malformed");
    } else if (d.kind() == HandoffFrame.INBOUND) {
      count("received", "inbound");
      target.inbound(d.packet(), d.offset(), d.length(), d.sender());
    } else {
      count("received", "outbound");
      target.outbound(d.packet(), d.offset(), d.length());
    }
  }

  static void count(String direction, String outcome) {
    HANDOFF.labelValues(direction, outcome).inc();
  }

  /** Packets of this JVM for {@code direction} and {@code outcome} (tests, docs' figures). */
  public static double counted(String direction, String outcome) {
    return HANDOFF.labelValues(direction, outcome).get();
  }

  /** A fixed one-second window; one thread per instance. */
  private static final class Window {
    private long start = Long.MIN_VALUE;
    private int count;

    boolean allow(long now) {
      if (start == Long.MIN_VALUE || now - start >= WINDOW_NANOS) {
        start = now;
        count = 0;
      }
      return ++count <= PER_SECOND;
    }
  }
}

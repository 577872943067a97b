package io.ipsecmesh.esp.steer;

import io.ipsecmesh.proto.runtime.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Learns which index one socket holds in its SO_REUSEPORT group. A process cannot ask the kernel, and the index
 * changes when another socket of the group closes (the kernel moves the group's last socket into the hole), so
 * the instance asks the group's program instead: a round sends one {@link SteeringProbe} per index {@code i < K}
 * with a fresh random nonce to the socket's own address; the program ({@link ReuseportProgram}) delivers probe
 * {@code i} to socket {@code i}, and this socket holds the smallest index at which its own nonce came back.
 *
 * <p>Why the smallest: a probe for an index at or above the group's socket count falls back to the kernel's hash,
 * which for our probes (one 4-tuple) is one socket — possibly this one. Those indices all lie above the socket's
 * true index, which its own probe always reaches. A round with no probe back (its probes lost or late on a
 * loaded host — every program carries the probe section, so a moved socket still answers at its new index) keeps
 * the index learned before; before the first answer the index is unknown and the socket's buckets go by the
 * kernel's hash.
 *
 * <p>Probes of other instances land here too (a round's probes go to every socket): they are counted, dropped, and
 * never touch the ESP path or the log. Thread-safe: {@link #received} runs on the socket's event loop, the rest on
 * the control context.
 */
public final class ReuseportIndexProbe {

  private static final Counter PROBES = Counter.builder()
      .name("ipsecmesh_esp_steering_probes_total")
      .help("reuseport steering probes received (forwarder scale-out): own = ours back at the index probed, "
          + "foreign = another instance's (dropped), stale = ours from an earlier round")
      .labelNames("outcome")
      .register(Metrics.registry());

  /** Probes per round: at least this many, and more than twice the live instances. */
  public static final int MIN_PROBES = 8;

  private final LongSupplier nonces;
  private long nonce;
  private long previousNonce;
  private boolean inRound;
  private int probes;
  private int lowest = Integer.MAX_VALUE;
  private int index = ReuseportProgram.UNKNOWN;

  /** @param nonces random 64-bit values (a {@code SecureRandom} in production) */
  public ReuseportIndexProbe(LongSupplier nonces) {
    this.nonces = nonces;
  }

  /** How many probes a round sends for {@code members} live instances. */
  public static int probesFor(int members) {
    return Math.min(256, Math.max(MIN_PROBES, 2 * members + 1));
  }

  /** Starts a round: {@code send} gets each probe (to the socket's own address); the previous round is dropped. */
  public synchronized void startRound(int k, Consumer<byte[]> send) {
    previousNonce = nonce;
    nonce = nonces.getAsLong();
    inRound = true;
    probes = Math.min(256, k);
    lowest = Integer.MAX_VALUE;
    long n = nonce;
    for (int i = 0; i < probes; i++) {
      send.accept(SteeringProbe.encode(i, n));
    }
  }

  /** A probe arrived on this socket (its event loop). */
  public void received(byte[] a, int off, int len) {
    int i = SteeringProbe.index(a, off, len);
    long n = SteeringProbe.nonce(a, off);
    String outcome;
    synchronized (this) {
      if (inRound && n == nonce && i < probes) {
        lowest = Math.min(lowest, i);
        outcome = "own";
      } else if (n == previousNonce || n == nonce) {
        outcome = "stale";
      } else {
        outcome = "foreign";
      }
    }
    PROBES.labelValues(outcome).inc();
  }

  /** Ends the round: the index learned (kept from before when nothing came back), or {@link ReuseportProgram#UNKNOWN}. */
  public synchronized int finishRound() {
    if (inRound) {
      inRound = false;
      if (lowest != Integer.MAX_VALUE) {
        index = lowest;
      }
    }
    return index;
  }

  public synchronized int index() {
    return index;
  }

  /** Probes received by this JVM with {@code outcome} (tests). */
  public static double counted(String outcome) {
    return PROBES.labelValues(outcome).get();
  }
}

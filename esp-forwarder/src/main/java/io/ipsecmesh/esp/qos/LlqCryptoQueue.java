package io.ipsecmesh.esp.qos;

import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Low Latency Queueing in front of the encryption stage (the seed's feature list names "Low Latency
 * Queueing (LLQ) for IPsec Encryption Engines"; the chapter itself and a command for it are not in the
 * seed, so the priority class is a forwarder option, see {@link Dscp#parseList}).
 *
 * <p>Without it the outbound path has no queue of its own: the inner port's reader thread parses, looks
 * up, seals and sends each packet, and when sealing cannot keep up the kernel's TUN queue fills and drops
 * whatever arrives, voice and bulk alike. With it the reader only classifies the packet by DSCP (EF by
 * default) and copies it into one of two bounded single-producer single-consumer rings; one crypto thread
 * serves them with strict priority — the priority ring is emptied before each bulk packet is taken — and
 * hands each packet to the crypto stage (the {@code OutboundPipeline}). A full ring drops the arriving
 * packet and counts it, so under saturation the bulk ring overflows first and the priority class loses
 * nothing as long as its own rate fits the crypto stage. Nothing is allocated per packet: slots are
 * preallocated buffers with the headroom ESP is built in.
 */
public final class LlqCryptoQueue implements InnerPacketHandler, AutoCloseable {

  /** Expedited Forwarding (RFC 3246), the usual voice marking: the default priority class. */
  public static final int EF = 46;
  /** Largest inner packet a slot holds (jumbo frames as the inner port allows). */
  public static final int DEFAULT_SLOT_PACKET = 9216;

  private final InnerPacketHandler crypto;
  private final boolean[] priorityDscp;
  private final Ring priority;
  private final Ring bulk;
  private volatile boolean running;
  private volatile boolean parked;
  private Thread worker;
  // producer-side counters (the reader thread), read racily by metrics and tests
  private long priorityQueued;
  private long priorityDropped;
  private long bulkQueued;
  private long bulkDropped;
  private long oversize;

  /**
   * @param crypto         the encryption stage, called on this queue's own thread only
   * @param priorityDscp   the DSCP values (0–63) of the priority class
   * @param priorityCapacity ring size of the priority class, a power of two
   * @param bulkCapacity   ring size of everything else, a power of two
   * @param slotPacket     the largest inner packet a slot takes; larger ones are dropped and counted
   */
  public LlqCryptoQueue(InnerPacketHandler crypto, int[] priorityDscp, int priorityCapacity, int bulkCapacity,
      int slotPacket) {
    this.crypto = crypto;
    this.priorityDscp = new boolean[64];
    for (int d : priorityDscp) {
      if (d < 0 || d > 63) {
        throw new IllegalArgumentException("DSCP must be 0-63, got " + d);
      }
      this.priorityDscp[d] = true;
    }
    this.priority = new Ring(priorityCapacity, slotPacket);
    this.bulk = new Ring(bulkCapacity, slotPacket);
  }

  /** EF first, 256 priority and 2048 bulk slots of jumbo size. */
  public static LlqCryptoQueue withDefaults(InnerPacketHandler crypto) {
    return new LlqCryptoQueue(crypto, new int[] {EF}, 256, 2048, DEFAULT_SLOT_PACKET);
  }

  /** The DSCP of an IPv4 or IPv6 packet, -1 when it is neither. */
  static int dscp(byte[] a, int off, int len) {
    if (len < 2) {
      return -1;
    }
    int version = (a[off] & 0xff) >>> 4;
    if (version == 4) {
      return (a[off + 1] & 0xff) >>> 2;
    }
    if (version == 6) {
      return (((a[off] & 0x0f) << 4) | ((a[off + 1] & 0xff) >>> 4)) >>> 2;
    }
    return -1;
  }

  // ------------------------------------------------------------------ producer: the inner reader thread

  @Override
  public void onInnerPacket(PacketBuffer buf, int off, int len) {
    byte[] a = buf.array();
    if (len > priority.slotPacket) {
      oversize++;
      return;
    }
    int d = dscp(a, off, len);
    if (d >= 0 && priorityDscp[d]) {
      if (priority.offer(a, off, len)) {
        priorityQueued++;
      } else {
        priorityDropped++;
      }
    } else if (bulk.offer(a, off, len)) {
      bulkQueued++;
    } else {
      bulkDropped++;
    }
  }

  /** The reader ran dry: wake the crypto thread if it sleeps (once per batch, not per packet). */
  @Override
  public void onBatchEnd() {
    if (parked) {
      LockSupport.unpark(worker);
    }
  }

  // ------------------------------------------------------------------ consumer: the crypto thread

  /**
   * Hands up to {@code max} queued packets to the crypto stage, each time taking a priority packet if
   * there is one, then ends the crypto stage's batch. Returns how many it handed over. Called by the
   * crypto thread, or by a caller that runs the stage itself (one consumer at a time).
   */
  public int drain(int max) {
    int n = 0;
    while (n < max && (priority.poll(crypto) || bulk.poll(crypto))) {
      n++;
    }
    if (n > 0) {
      crypto.onBatchEnd();
    }
    return n;
  }

  /** Starts the crypto thread. */
  public synchronized LlqCryptoQueue start(String name) {
    if (worker != null) {
      throw new IllegalStateException("started");
    }
    running = true;
    worker = new Thread(this::serve, name);
    worker.setDaemon(true);
    worker.start();
    return this;
  }

  private void serve() {
    while (running) {
      if (drain(64) == 0) {
        parked = true;
        // re-check after announcing the park: a packet queued in between is not left waiting
        if (priority.isEmpty() && bulk.isEmpty() && running) {
          LockSupport.parkNanos(1_000_000L);
        }
        parked = false;
      }
    }
  }

  /** Stops the crypto thread after the packet it is on; queued packets are discarded. */
  @Override
  public void close() throws InterruptedException {
    Thread w;
    synchronized (this) {
      running = false;
      w = worker;
    }
    if (w != null) {
      LockSupport.unpark(w);
      w.join(5_000);
    }
  }

  public long priorityQueued() {
    return priorityQueued;
  }

  public long priorityDropped() {
    return priorityDropped;
  }

  public long bulkQueued() {
    return bulkQueued;
  }

  public long bulkDropped() {
    return bulkDropped;
  }

  public long oversize() {
    return oversize;
  }

  /** Packets waiting in both rings now. */
  public int depth() {
    return priority.size() + bulk.size();
  }

  /** A bounded SPSC ring of preallocated packet slots. */
  private static final class Ring {
    final int slotPacket;
    private final PacketBuffer[] slots;
    private final int[] lengths;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    Ring(int capacity, int slotPacket) {
      if (capacity < 1 || Integer.bitCount(capacity) != 1) {
        throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
      }
      this.slotPacket = slotPacket;
      this.slots = new PacketBuffer[capacity];
      for (int i = 0; i < capacity; i++) {
        slots[i] = new PacketBuffer(PacketBuffer.HEADROOM + slotPacket + PacketBuffer.TAILROOM);
      }
      this.lengths = new int[capacity];
      this.mask = capacity - 1;
    }

    boolean offer(byte[] a, int off, int len) {
      long t = tail.get();
      if (t - head.get() > mask) {
        return false;
      }
      int i = (int) (t & mask);
      System.arraycopy(a, off, slots[i].array(), PacketBuffer.HEADROOM, len);
      lengths[i] = len;
      tail.lazySet(t + 1); // publishes the copy
      return true;
    }

    boolean poll(InnerPacketHandler h) {
      long hd = head.get();
      if (hd == tail.get()) {
        return false;
      }
      int i = (int) (hd & mask);
      h.onInnerPacket(slots[i], PacketBuffer.HEADROOM, lengths[i]);
      head.lazySet(hd + 1); // only now may the producer reuse the slot
      return true;
    }

    boolean isEmpty() {
      return head.get() == tail.get();
    }

    int size() {
      return (int) (tail.get() - head.get());
    }
  }
}

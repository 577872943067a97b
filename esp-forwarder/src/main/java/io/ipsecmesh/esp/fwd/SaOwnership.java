package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.steer.SpiBuckets;
import io.ipsecmesh.proto.sa.ChildSa;
import java.util.Set;

/**
 * Scale-out of the esp-forwarder: which instance owns each Child SA pair, and what changes hands when the
 * member set does. The owner is that of the pair's bucket, the low 8 bits of its inbound SPI (the SPI the peer's
 * ESP packets carry, RFC 4303 §2.1, so an arriving packet is routed before it is opened): the rendezvous hash of
 * the bucket over the live forwarder instances ({@code fwd.members}, {@link SpiBuckets}). 256 buckets make
 * ownership a table the kernel's reuseport program can hold ({@code steer.ReuseportProgram}), so ESP reaches its
 * owner's socket directly; rendezvous hashing still moves only a dead instance's buckets. Only the owner opens the pair's packets (one anti-replay window, RFC 4303 §3.4.3) and
 * seals them (one sequence counter); every other instance keeps the pair installed and hands its packets over
 * ({@link Handoff}).
 *
 * <p>Taking a pair over never reuses a sequence number and never goes backwards: the adopter first reserves a
 * fresh block in {@code ipsec.seq-reservations} (compare-and-set, so it lies above every number any instance
 * ever reserved for the SA, {@link SequenceReservations}), then jumps its counter there, and only then stops
 * handing the pair's packets off — the pfsync-style jump; the peer's window accepts a jump forward (RFC 4303
 * §3.4.3: the window slides to any higher authenticated number). A block this instance held from an earlier
 * turn as owner is never resumed: another owner may have sent above it since. Inbound, the adopter's replay window
 * starts at the old owner's last checkpoint, every number at or below it treated as received
 * ({@link ReplayCheckpoints}, carried in the reservation), so a packet the old owner accepted is not accepted again.
 *
 * <p>A forwarder that lost its quorum ({@link #fence}) owns nothing and drops instead of handing off: in a
 * partition only the side with the quorum sends (README, "Several esp-forwarder instances").
 *
 * <p>Runs on the forwarder's control context; no Vert.x in here.
 */
public final class SaOwnership {

  /** The owner recorded for pairs of a fenced instance: their packets are dropped, not handed off. */
  public static final String FENCED = "(fenced: no quorum)";
  /**
   * The owner recorded while this instance has neither joined nor heard anyone: it may not send yet (another
   * instance may be sending), so the packets are dropped. Names in parentheses are never instances.
   */
  public static final String NOT_JOINED = "(not joined yet)";

  /**
   * A forwarder silent for longer than this has died and its pairs move: two missed heartbeats (they are
   * {@code MemberHeartbeats.HEARTBEAT_MILLIS} apart), so a survivor takes over 2–3 s after a kill -9 (issue 13:
   * within 3 s), where dpd-service and ike-service wait for three. A member merely late (a GC pause over 1 s) costs
   * a needless move, never a reused number: every move reserves a fresh block.
   */
  public static final long MEMBER_TIMEOUT_MILLIS = 2_000;

  /** What ownership changes tell the forwarder. */
  public interface Events {
    /** This instance sends on {@code pair} from {@code firstSequence} on. */
    void tookOver(SaPair pair, long firstSequence);

    /** {@code owner} has {@code pair} now ({@link #FENCED} when nobody here may send). */
    void released(SaPair pair, String owner);

    /** A takeover found no sequence numbers: the pair is owned here but sends nothing (retried by top-ups). */
    void noSequenceNumbers(SaPair pair, String why);
  }

  private final String self;
  private final SaDatabase sad;
  private final SaInstaller.Reserver reserver;
  private final Events events;
  private Set<String> members = Set.of();
  /** The owner of each bucket for {@link #members}. */
  private String[] bucketOwners = new String[SpiBuckets.COUNT];
  private boolean fenced;

  public SaOwnership(String self, SaDatabase sad, SaInstaller.Reserver reserver, Events events) {
    this.self = self;
    this.sad = sad;
    this.reserver = reserver;
    this.events = events;
  }

  /** Whether {@code owner} names an instance packets can be handed to (not {@link #FENCED} or {@link #NOT_JOINED}). */
  public static boolean isInstance(String owner) {
    return owner != null && !owner.startsWith("(");
  }

  public String self() {
    return self;
  }

  /** The routing key of a pair: its inbound SPI's bucket ({@link SpiBuckets#key}). */
  public static String key(ChildSa sa) {
    return SpiBuckets.key(SpiBuckets.bucket(sa.inboundSpi()));
  }

  /**
   * The instance that owns {@code sa}: null when this one does. Before this instance joined the others own every
   * key, and with nobody heard yet nobody here may send ({@link #NOT_JOINED}): a restarted instance must not send
   * on an SA a live one is sending on.
   */
  public String remoteOwnerOf(ChildSa sa) {
    if (fenced) {
      return FENCED;
    }
    if (members.isEmpty()) {
      return NOT_JOINED;
    }
    String owner = bucketOwners[SpiBuckets.bucket(sa.inboundSpi())];
    return owner == null || owner.equals(self) ? null : owner;
  }

  /** A pair was built: whose it is, before its inbound half takes its first packet. */
  public void built(SaPair pair) {
    pair.remoteOwner = remoteOwnerOf(pair.sa);
  }

  /**
   * A pair became live with the first block its install reserved. Had ownership moved to this instance while the
   * block was in flight, the block may lie below what the old owner sent since: take the pair over properly.
   */
  public void installed(SaPair pair) {
    reconcile(pair);
  }

  /** The live forwarder instances changed (this one among them once it joined). */
  public void members(Set<String> live) {
    members = Set.copyOf(live);
    bucketOwners = SpiBuckets.owners(members);
    sad.pairs().forEach(this::reconcile);
  }

  public Set<String> members() {
    return members;
  }

  /**
   * Whether this instance may send at all (the cluster quorum, {@code --esp-quorum}): without it every pair is
   * released to {@link #FENCED}; with it back, the pairs it owns are taken over with fresh blocks.
   */
  public void fence(boolean noQuorum) {
    if (fenced == noQuorum) {
      return;
    }
    fenced = noQuorum;
    sad.pairs().forEach(this::reconcile);
  }

  public boolean fenced() {
    return fenced;
  }

  private void reconcile(SaPair pair) {
    String wanted = remoteOwnerOf(pair.sa);
    String now = pair.remoteOwner;
    if (wanted != null) {
      if (!wanted.equals(now)) {
        pair.ownershipGeneration++; // a takeover still reserving is stale now
        pair.remoteOwner = wanted;
        events.released(pair, wanted);
      }
      return;
    }
    if (now == null) {
      return; // ours already (or a takeover of it is in flight: it stays handed off until the block arrives)
    }
    takeOver(pair);
  }

  /** Fresh block first, then the jump, then this instance sends: no number of another owner's block is reused. */
  private void takeOver(SaPair pair) {
    int generation = ++pair.ownershipGeneration;
    reserver.reserve(pair, r -> {
      if (pair.ownershipGeneration != generation || sad.get(pair.sa.inboundSpi()) != pair
          || remoteOwnerOf(pair.sa) != null) {
        return; // ownership moved again, or the pair went, while the block was reserved: the block stays unused
      }
      OutboundSa out = pair.out;
      // revoke whatever block this instance held before; the packet thread does not touch the counter while the
      // pair is handed off, and reads the limit before the floor (OutboundSa#grant)
      out.sequenceLimit = 0;
      if (r.usable()) {
        out.grant(r.block().first(), r.block().last());
      }
      // the inbound window starts at the old owner's checkpoint (all at or below it seen) before this instance
      // opens the pair's first packet, or refuses all without one: never empty (ReplayCheckpoints)
      pair.in.adoptReplayCheckpoint(r.replayCheckpoint());
      pair.remoteOwner = null; // volatile: publishes the counter and the window to the packet threads
      if (r.usable()) {
        events.tookOver(pair, r.block().first());
      } else {
        events.noSequenceNumbers(pair, r.block() != null ? "sequence space exhausted" : r.failure());
      }
    });
  }
}

package io.ipsecmesh.ike.ha;

import io.ipsecmesh.ike.engine.CheckpointSink;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.IkeCheckpoint;
import io.ipsecmesh.proto.sa.IkeCheckpointCodec;
import io.ipsecmesh.proto.sa.IsakmpCheckpoint;
import io.ipsecmesh.proto.sa.IsakmpCheckpointCodec;
import io.ipsecmesh.proto.sa.MalformedCheckpointException;
import io.ipsecmesh.ike.v1.IsakmpCheckpointSink;

/**
 * The engines' checkpoints (IKEv2 and IKEv1, one map), sealed ({@link IkeCheckpointCodec#seal}: AES-256-GCM under HKDF(KEK,
 * {@value IkeCheckpointCodec#SEAL_PURPOSE}), bound to the IKE SA id) before they reach the {@link Store} — the
 * Hazelcast map {@code ike.checkpoints} in production, a map in tests — so nothing of an IKE SA is in clear in
 * the cluster. Counts what it wrote and what sealing cost, for {@code ike_checkpoints_total} and the
 * per-checkpoint figure in the docs.
 */
public final class SealedCheckpoints implements CheckpointSink, IsakmpCheckpointSink {

  /** Where sealed checkpoints are kept; called on the engine's thread, so it must not block. */
  public interface Store {
    void put(String ikeSaId, String sealed);

    void remove(String ikeSaId);

    /** Runs {@code r} once every put so far is stored (write-ahead); at once for a synchronous store. */
    default void afterStored(Runnable r) {
      r.run();
    }
  }

  private final SecretBox box;
  private final Store store;
  private long written;
  private long sealNanos;
  private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

  public SealedCheckpoints(SecretBox box, Store store) {
    this.box = box;
    this.store = store;
  }

  /** Under the process's KEK, the same in every process of the cluster. */
  public static SealedCheckpoints withProcessKek(Store store) {
    return new SealedCheckpoints(SecretBox.of(IkeCheckpointCodec.SEAL_PURPOSE), store);
  }

  @Override
  public void write(IkeCheckpoint checkpoint) {
    long t0 = System.nanoTime();
    try {
      store.put(checkpoint.ikeSaId(), IkeCheckpointCodec.seal(box, checkpoint));
      written++;
    } finally {
      checkpoint.destroy();
      sealNanos += System.nanoTime() - t0;
    }
  }

  @Override
  public void write(IsakmpCheckpoint checkpoint) {
    long t0 = System.nanoTime();
    try {
      store.put(checkpoint.isakmpSaId(), IsakmpCheckpointCodec.seal(box, checkpoint));
      written++;
    } finally {
      checkpoint.destroy();
      sealNanos += System.nanoTime() - t0;
    }
  }

  @Override
  public void remove(String ikeSaId) {
    store.remove(ikeSaId);
  }

  @Override
  public void afterStored(Runnable send) {
    store.afterStored(send);
  }

  /**
   * The checkpoint stored under {@code ikeSaId}, or null (counted, logged without any of its content) when it
   * does not open or decode.
   */
  public IkeCheckpoint open(String ikeSaId, String sealed) {
    try {
      return IkeCheckpointCodec.open(box, ikeSaId, sealed);
    } catch (MalformedCheckpointException e) {
      refused.incrementAndGet();
      System.getLogger("io.ipsecmesh.ike").log(System.Logger.Level.WARNING,
          "ike-service: refused checkpoint: " + e.getMessage());
      return null;
    }
  }

  public long written() {
    return written;
  }

  /** Checkpoints that did not open or decode. */
  public long refused() {
    return refused.get();
  }

  /**
   * A checkpoint read for adoption — IKEv2 ({@code checkpoint}) or IKEv1 ({@code isakmp}), the other null — and the
   * claim to write in its place ({@link IkeCheckpoint#claimedBy}, {@link IsakmpCheckpoint#claimedBy}).
   */
  public record Claim(IkeCheckpoint checkpoint, IsakmpCheckpoint isakmp, String sealed) {
    /** Zeroes the keys of whichever it holds (a claim that lost the compare-and-set). */
    public void destroy() {
      if (checkpoint != null) {
        checkpoint.destroy();
      }
      if (isakmp != null) {
        isakmp.destroy();
      }
    }
  }

  /**
   * The claim of {@code adopter} on the checkpoint stored as {@code sealed} under {@code ikeSaId}: the caller
   * replaces the entry with {@link Claim#sealed()} only if it still holds {@code sealed} (compare-and-set), and
   * adopts the claim's checkpoint only then. Null when the checkpoint is refused. Thread-safe (the claim is made
   * off the event loop).
   */
  public Claim claim(String ikeSaId, String sealed, String adopter) {
    Record any;
    try {
      any = IsakmpCheckpointCodec.openAny(box, ikeSaId, sealed);
    } catch (MalformedCheckpointException e) {
      refused.incrementAndGet();
      System.getLogger("io.ipsecmesh.ike").log(System.Logger.Level.WARNING,
          "ike-service: refused checkpoint: " + e.getMessage());
      return null;
    }
    try {
      return switch (any) {
        case IkeCheckpoint c -> new Claim(c, null, IkeCheckpointCodec.seal(box, c.claimedBy(adopter)));
        case IsakmpCheckpoint c -> new Claim(null, c, IsakmpCheckpointCodec.seal(box, c.claimedBy(adopter)));
        default -> throw new IllegalArgumentException("not a checkpoint");
      };
    } catch (IllegalArgumentException e) {
      if (any instanceof IkeCheckpoint c) {
        c.destroy();
      } else if (any instanceof IsakmpCheckpoint c) {
        c.destroy();
      }
      refused.incrementAndGet();
      return null;
    }
  }

  /** Time spent encoding and sealing (not capturing), summed over {@link #written()}. */
  public long sealNanos() {
    return sealNanos;
  }
}

package io.ipsecmesh.ike.fragment;

import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.ike.crypto.SkIntegrityException;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.Arrays;
import java.util.List;

/**
 * The receiving half of RFC 7383 for one direction of one IKE SA (the peer's requests, or the responses to ours):
 * the reassembly queue of the one message ID the window of one (RFC 7296 §2.3) lets through. Every fragment is
 * checked in the order of §2.6 — numbers valid (the codec), not a replay of a stored one, its ICV — before it is
 * kept, decrypted; a set with more fragments supersedes the one being collected (§2.5.2), one with fewer is
 * discarded. Only a complete set is decoded (§5: no payload is read before every fragment is in).
 *
 * <p>Bounded (§5): at most {@link #MAX_FRAGMENTS} fragments and {@link #MAX_BYTES} bytes of decrypted content, the
 * set discarded past either; a set not completed within {@code timeoutMillis} of its first fragment is discarded
 * (§2.6). Memory held is zeroed when released. Single-threaded: the engine's event loop.
 */
public final class FragmentReassembler {

  /** §5: the sum of decrypted fragment contents kept; "NOT RECOMMENDED … to exceed 64 KB". */
  public static final int MAX_BYTES = 64 * 1024;
  /** Total Fragments accepted (strongSwan keeps at most 255 too): 64 KB in fragments of 256 bytes. */
  public static final int MAX_FRAGMENTS = 255;

  /** Why a fragment was dropped; the label values of {@code ipsecmesh_ike_fragments_dropped}. */
  public static final String TOO_MANY = "too-many-fragments";
  public static final String OLDER_SET = "older-set";
  public static final String REPLAY = "replay";
  public static final String INTEGRITY = "integrity";
  public static final String LIMIT = "reassembly-limit";
  public static final String MALFORMED = "malformed";
  public static final String TIMEOUT = "timeout";

  /** What became of one fragment. */
  public sealed interface Outcome {}

  /** Kept; {@code stored} of {@code total} are in. */
  public record Stored(int number, int stored, int total) implements Outcome {}

  /**
   * The last fragment came: the original message's inner payloads, the bytes of its first fragment datagram (what
   * identifies a retransmitted request, §2.6.1) and the size of the reassembled content.
   */
  public record Complete(List<Payload> payloads, byte[] firstFragment, int fragments, int bytes) implements Outcome {}

  /** Dropped for {@code reason}; {@code setDiscarded} when the fragments collected so far went with it. */
  public record Dropped(String reason, String detail, boolean setDiscarded) implements Outcome {}

  private final Scheduler scheduler;
  private final long timeoutMillis;
  private final Runnable onTimeout;

  /** The set being collected: its message ID, Total Fragments, the decrypted chunks by number − 1. */
  private long messageId = -1;
  private int total;
  private byte[][] chunks;
  private int stored;
  private int bytes;
  private int firstInner;
  private byte[] firstFragment;
  private Scheduler.Timer timer;

  /** {@code onTimeout} runs (on the scheduler's thread) when a set is discarded for want of its last fragments. */
  public FragmentReassembler(Scheduler scheduler, long timeoutMillis, Runnable onTimeout) {
    this.scheduler = scheduler;
    this.timeoutMillis = timeoutMillis;
    this.onTimeout = onTimeout;
  }

  /**
   * One IKE Fragment message of {@code messageId}, the datagram {@code message} whose last payload is {@code f},
   * opened with {@code cipher} (the peer's direction of the IKE SA).
   */
  public Outcome offer(long messageId, byte[] message, Payload.EncryptedFragment f, SkCipher cipher) {
    int n = f.fragmentNumber();
    int t = f.totalFragments();
    boolean sameMessage = chunks != null && messageId == this.messageId;
    if (t > MAX_FRAGMENTS) {
      return new Dropped(TOO_MANY, "fragment " + n + " of " + t + " (at most " + MAX_FRAGMENTS + ")", false);
    }
    if (sameMessage && t < total) {
      return new Dropped(OLDER_SET, "fragment " + n + " of " + t + " while collecting " + total, false);
    }
    if (sameMessage && t == total && chunks[n - 1] != null) {
      return new Dropped(REPLAY, "fragment " + n + " of " + t + " is already in", false);
    }
    byte[] chunk;
    try {
      chunk = cipher.openFragment(message, f);
    } catch (SkIntegrityException | IkeDecodeException e) {
      return new Dropped(INTEGRITY, e.getMessage(), false);
    }
    if (!sameMessage || t > total) {
      start(messageId, t); // §2.6: a new message, or a set with more fragments: start over with this one
    }
    if (bytes + chunk.length > MAX_BYTES) {
      Arrays.fill(chunk, (byte) 0);
      clear();
      return new Dropped(LIMIT, "more than " + MAX_BYTES + " bytes of fragments", true);
    }
    chunks[n - 1] = chunk;
    stored++;
    bytes += chunk.length;
    if (n == 1) {
      firstInner = f.firstInner();
      firstFragment = message;
    }
    if (stored < total) {
      return new Stored(n, stored, total);
    }
    return complete();
  }

  private void start(long id, int t) {
    clear();
    messageId = id;
    total = t;
    chunks = new byte[t][];
    timer = scheduler.schedule(timeoutMillis, () -> {
      timer = null;
      clear();
      onTimeout.run();
    });
  }

  private Outcome complete() {
    byte[] whole = new byte[bytes];
    int pos = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, whole, pos, c.length);
      pos += c.length;
    }
    byte[] first = firstFragment;
    int fragments = total;
    int inner = firstInner;
    clear();
    try {
      return new Complete(IkeCodec.decodeChain(inner, whole, 0, whole.length), first, fragments, whole.length);
    } catch (IkeDecodeException e) {
      return new Dropped(MALFORMED, "reassembled message: " + e.getMessage(), true);
    } finally {
      Arrays.fill(whole, (byte) 0);
    }
  }

  /** Whether a set is being collected. */
  public boolean collecting() {
    return chunks != null;
  }

  /** Discards the set being collected (zeroed), its timer cancelled. */
  public void clear() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    if (chunks != null) {
      for (byte[] c : chunks) {
        if (c != null) {
          Arrays.fill(c, (byte) 0);
        }
      }
    }
    chunks = null;
    messageId = -1;
    total = 0;
    stored = 0;
    bytes = 0;
    firstFragment = null;
  }
}

package io.ipsecmesh.ike.wire;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.dos.RequestDigestCache;
import java.util.List;
import java.util.function.Consumer;

/**
 * The responder's side of reliability, for both versions: our answers by the digest of the request they answered
 * ({@link RequestDigestCache}), so a retransmitted request gets the same bytes again and changes no state (RFC 7296
 * §2.1; RFC 2408 §5 and RFC 2409 leave ISAKMP's the same rule), sent only back to the SA's own peer address and
 * ports (RFC 7296 §2.11: an answer to a copy from elsewhere would reflect our response to an address of a
 * spoofer's choosing). What differs between the versions is how a request is recognised ({@link Keying}); what
 * each outcome costs is counted in the same {@link DosCounters} under the IKE version.
 */
public final class ReplyCache {

  /** How a retransmission is recognised. */
  public enum Keying {
    /**
     * IKEv2: by message ID first (§2.3, a window of one); the same ID with another digest is an altered request,
     * dropped and counted, never answered from the cache.
     */
    MESSAGE_ID_AND_DIGEST,
    /**
     * IKEv1: by digest only. Main Mode sends three different requests under message ID 0 and Quick Mode two under
     * one ID, so an ID seen before says nothing about a retransmission.
     */
    DIGEST
  }

  /** What {@link #check} did with a request. */
  public enum Outcome {
    /** Nothing answered matches it: process it. */
    NEW,
    /** A retransmission from the SA's peer: our cached answer went out again. */
    RESENT,
    /** A retransmission from another address or port: dropped, nothing reflected. */
    FROM_ELSEWHERE,
    /** An answered message ID with other bytes (IKEv2): dropped. */
    ALTERED
  }

  private final int ikeVersion;
  private final Keying keying;
  private final RequestDigestCache answers;

  /**
   * @param capacity answers remembered: IKEv2's window of one needs one, IKEv1's concurrent Quick Modes a few
   */
  public ReplyCache(int ikeVersion, Keying keying, int capacity) {
    this.ikeVersion = ikeVersion;
    this.keying = keying;
    this.answers = new RequestDigestCache(capacity);
  }

  /** SHA-256 of the whole datagram (non-ESP marker removed): what a retransmission repeats bit for bit. */
  public static byte[] digest(byte[] request) {
    return RequestDigestCache.digest(request);
  }

  /** Our {@code response} to the request with {@code messageId} and {@code requestDigest}. */
  public void remember(long messageId, byte[] requestDigest, byte[] response) {
    answers.remember(messageId, requestDigest, response);
  }

  /** Our response of several datagrams (RFC 7383 IKE fragments, always resent together, §2.6.1). */
  public void remember(long messageId, byte[] requestDigest, List<byte[]> response) {
    answers.remember(messageId, requestDigest, response);
  }

  /**
   * Answers a request from the cache when it is a retransmission: {@code resend} gets our cached response (each of
   * its datagrams, in order, when it was fragmented) when it
   * came {@code fromSaPeer} (the SA's peer address and port, on the SA's local port), and every outcome but
   * {@link Outcome#NEW} is counted in {@code counters}. Only {@link Outcome#NEW} asks the caller to process it.
   */
  public Outcome check(long messageId, byte[] requestDigest, boolean fromSaPeer, Consumer<byte[]> resend,
      DosCounters counters) {
    List<byte[]> cached = List.of();
    if (keying == Keying.MESSAGE_ID_AND_DIGEST) {
      switch (answers.check(messageId, requestDigest)) {
        case ALTERED -> {
          counters.requestDropped(ikeVersion, DosCounters.ALTERED_RETRANSMISSION);
          return Outcome.ALTERED;
        }
        case RETRANSMISSION -> cached = answers.responsesTo(requestDigest);
        case NEW -> { }
      }
    } else {
      cached = answers.responsesTo(requestDigest);
    }
    if (cached.isEmpty()) {
      return Outcome.NEW;
    }
    if (!fromSaPeer) {
      counters.requestDropped(ikeVersion, DosCounters.RETRANSMISSION_FROM_ELSEWHERE);
      return Outcome.FROM_ELSEWHERE;
    }
    counters.retransmissionAnswered(ikeVersion);
    cached.forEach(resend);
    return Outcome.RESENT;
  }

  public void clear() {
    answers.clear();
  }
}

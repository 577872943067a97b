package io.ipsecmesh.ike.dos;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The responder's reply cache of one IKE SA, keyed by a SHA-256 digest of the whole request datagram
 * (IKE header onwards). RFC 7296 §2.1: "A retransmission from the initiator MUST be bitwise identical to
 * the original request", and for IKE_SA_INIT "a robust responder will do the IKE SA lookup using the
 * whole packet, its hash, or the Ni payload". So a request is answered from the cache only when its digest
 * equals the one we answered; a request with the answered message ID but other bytes is
 * {@link Verdict#ALTERED} (forged, or corrupted on the way) and gets nothing. Where the answer goes is the
 * caller's decision: it answers only a datagram from the SA's own peer address and port, so a replayed
 * request with a spoofed source cannot reflect our response elsewhere.
 *
 * <p>Bounded: at most {@code capacity} entries, the oldest forgotten first (IKEv2's window of one needs one,
 * IKEv1's concurrent Quick Modes a few). Not thread-safe: owned by the engine's thread like the SA.
 */
public final class RequestDigestCache {

  /** What a received request is, compared with what we answered. */
  public enum Verdict {
    /** Nothing answered under this message ID (or this digest): process it. */
    NEW,
    /** Bitwise identical to a request we answered: resend our response, change no state. */
    RETRANSMISSION,
    /** The message ID of an answered request with other bytes: drop it (and count it). */
    ALTERED
  }

  /** A response is one datagram, or several: the IKE Fragment messages of a fragmented one (RFC 7383 §2.6.1). */
  private record Entry(long messageId, byte[] digest, List<byte[]> response) {}

  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();

  public RequestDigestCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  /** Remembers our {@code response} to the request whose digest is {@code requestDigest}. */
  public void remember(long messageId, byte[] requestDigest, byte[] response) {
    remember(messageId, requestDigest, List.of(response));
  }

  /** Remembers our response of several datagrams (IKE fragments, all resent together) to the request. */
  public void remember(long messageId, byte[] requestDigest, List<byte[]> response) {
    entries.removeIf(e -> e.messageId == messageId && MessageDigest.isEqual(e.digest, requestDigest));
    entries.addLast(new Entry(messageId, requestDigest.clone(), List.copyOf(response)));
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  /**
   * IKEv2: by message ID first. The same ID with the same digest is a retransmission, with another digest
   * an altered request; an ID not cached is new.
   */
  public Verdict check(long messageId, byte[] requestDigest) {
    Verdict v = Verdict.NEW;
    for (Entry e : entries) {
      if (e.messageId == messageId) {
        if (MessageDigest.isEqual(e.digest, requestDigest)) {
          return Verdict.RETRANSMISSION;
        }
        v = Verdict.ALTERED;
      }
    }
    return v;
  }

  /**
   * Our response to the request with this digest, or null. IKEv1 looks up by digest only: its Main Mode
   * sends three different requests under message ID 0 and Quick Mode two under one ID, so an ID seen
   * before says nothing about a retransmission there.
   */
  public byte[] responseTo(byte[] requestDigest) {
    List<byte[]> r = responsesTo(requestDigest);
    return r.isEmpty() ? null : r.getFirst();
  }

  /** Every datagram of our response to the request with this digest (one, or its fragments); empty when none. */
  public List<byte[]> responsesTo(byte[] requestDigest) {
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, requestDigest)) {
        return e.response;
      }
    }
    return List.of();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public void clear() {
    entries.clear();
  }

  /** SHA-256 of the whole datagram (non-ESP marker removed): what §2.1 says is identical in a retransmission. */
  public static byte[] digest(byte[] request) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(request);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
    }
  }

  @Override
  public String toString() {
    return "RequestDigestCache" + Arrays.toString(entries.stream().map(Entry::messageId).toArray());
  }
}

package io.ipsecmesh.proto.bus;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The nonces of the control messages this process accepted within {@link ControlAuth}'s time window, so a
 * captured message replayed inside the window is refused. One received message may be delivered several
 * times (a publish reaches every local consumer, and Vert.x runs the inbound interceptors per delivery): the
 * cache keeps, with each nonce, a weak reference to what all deliveries of that one received message share
 * (its {@link Origin}); a delivery of the same nonce from the same origin is accepted, one from any other
 * origin (a second send of the same bytes) is refused. Once every delivery is done the origin may be
 * collected; a later message with that nonce then never matches. Entries leave when their timestamp has left
 * the window (such a message is refused as stale anyway); at most {@code capacity} entries: when full, a new
 * nonce is refused, never an old one forgotten. Thread-safe.
 */
final class ReplayCache {

  enum Verdict { ACCEPTED, REPLAYED, FULL }

  private record Entry(String nonce, long timestamp, WeakReference<Object> origin) {}

  private final int capacity;
  private final long windowMs;
  private final Map<String, Entry> byNonce = new HashMap<>();
  private final PriorityQueue<Entry> byTime =
      new PriorityQueue<>((a, b) -> Long.compare(a.timestamp(), b.timestamp()));

  ReplayCache(int capacity, long windowMs) {
    this.capacity = capacity;
    this.windowMs = windowMs;
  }

  /** Records {@code nonce} (timestamped {@code timestamp}, already verified) received as {@code origin}. */
  synchronized Verdict check(String nonce, long timestamp, Object origin, long now) {
    while (!byTime.isEmpty() && byTime.peek().timestamp() + windowMs < now) {
      byNonce.remove(byTime.poll().nonce());
    }
    Entry seen = byNonce.get(nonce);
    if (seen != null) {
      return seen.origin().get() == origin ? Verdict.ACCEPTED : Verdict.REPLAYED;
    }
    if (byNonce.size() >= capacity) {
      return Verdict.FULL;
    }
    Entry e = new Entry(nonce, timestamp, new WeakReference<>(origin));
    byNonce.put(nonce, e);
    byTime.add(e);
    return Verdict.ACCEPTED;
  }

  synchronized int size() {
    return byNonce.size();
  }
}

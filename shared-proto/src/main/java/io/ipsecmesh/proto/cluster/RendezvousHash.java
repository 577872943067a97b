package io.ipsecmesh.proto.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Highest-random-weight (rendezvous) hashing: every instance computes the same owner for a key from the
 * same member set, with no coordination, and when a member leaves only its keys move — each to the member
 * that scores next highest, so the dead instance's peers spread over all survivors.
 */
public final class RendezvousHash {

  private RendezvousHash() {}

  /** @return the member with the highest weight for {@code key}, or null for no members */
  public static String owner(String key, Collection<String> members) {
    String best = null;
    long bestWeight = 0;
    long k = hash(key);
    for (String m : members) {
      long w = mix(k ^ hash(m));
      // Ties (practically impossible) go to the smaller id so every instance agrees.
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && m.compareTo(best) < 0)) {
        best = m;
        bestWeight = w;
      }
    }
    return best;
  }

  /** FNV-1a over UTF-8: stable across JVMs, unlike String.hashCode's distribution. */
  private static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64 finaliser: spreads the combined hash over all 64 bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

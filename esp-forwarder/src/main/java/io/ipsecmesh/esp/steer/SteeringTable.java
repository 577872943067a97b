package io.ipsecmesh.esp.steer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the instances said about their sockets: for each reuseport group (a bound address and port), the index each
 * live instance holds in it ({@code fwd.steering}). From it and the bucket owners ({@link SpiBuckets#owners}) the
 * group's program table follows: bucket → index of its owner's socket. Pure, on the control context.
 */
public final class SteeringTable {

  private final Map<String, Map<String, Integer>> indices = new HashMap<>();

  /** {@code instance} holds {@code index} (or {@link ReuseportProgram#UNKNOWN}) in {@code group}. */
  public void index(String instance, String group, int index) {
    Map<String, Integer> g = indices.computeIfAbsent(group, x -> new HashMap<>());
    if (index == ReuseportProgram.UNKNOWN) {
      g.remove(instance);
    } else {
      g.put(instance, index);
    }
  }

  /** Instances no longer live are forgotten (their sockets are gone or going). */
  public void members(Set<String> live) {
    indices.values().forEach(g -> g.keySet().retainAll(live));
  }

  /**
   * The index of each bucket's owner in {@code group}: {@link ReuseportProgram#UNKNOWN} where the owner has not told
   * one, and where two instances claim the same index (a socket moved and one of them has not re-probed yet) for
   * both: the kernel's hash and the hand-off then serve them for that second.
   */
  public int[] indexOfBucket(String group, String[] bucketOwners) {
    Map<String, Integer> g = indices.getOrDefault(group, Map.of());
    Map<Integer, Integer> claims = new HashMap<>();
    g.values().forEach(i -> claims.merge(i, 1, Integer::sum));
    int[] table = new int[bucketOwners.length];
    for (int b = 0; b < table.length; b++) {
      Integer i = bucketOwners[b] == null ? null : g.get(bucketOwners[b]);
      table[b] = i == null || claims.get(i) > 1 ? ReuseportProgram.UNKNOWN : i;
    }
    return table;
  }

  public Map<String, Integer> indices(String group) {
    return Map.copyOf(indices.getOrDefault(group, Map.of()));
  }
}

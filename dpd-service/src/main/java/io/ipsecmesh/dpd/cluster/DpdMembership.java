package io.ipsecmesh.dpd.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The live dpd-service instances as heard on {@code dpd.members}: an instance is live while its heartbeats
 * keep coming (within {@code timeoutMillis}); a leaving instance is dropped at once. This instance is always
 * live to itself. Pure bookkeeping; the caller feeds heartbeats and calls {@link #expire(long)} on its clock.
 */
public final class DpdMembership {

  private final String self;
  private final long timeoutMillis;
  private final Map<String, Long> lastHeard = new HashMap<>();

  public DpdMembership(String self, long timeoutMillis) {
    this.self = self;
    this.timeoutMillis = timeoutMillis;
  }

  public String self() {
    return self;
  }

  /** @return true when the member set changed */
  public boolean heard(String instanceId, boolean leaving, long now) {
    if (instanceId.equals(self)) {
      return false;
    }
    if (leaving) {
      return lastHeard.remove(instanceId) != null;
    }
    return lastHeard.put(instanceId, now) == null;
  }

  /** Drops members silent for longer than the timeout. @return true when the member set changed */
  public boolean expire(long now) {
    return lastHeard.values().removeIf(t -> now - t > timeoutMillis);
  }

  /** Live members including this one, sorted (every instance iterates them in the same order). */
  public Set<String> members() {
    Set<String> all = new TreeSet<>(lastHeard.keySet());
    all.add(self);
    return all;
  }
}

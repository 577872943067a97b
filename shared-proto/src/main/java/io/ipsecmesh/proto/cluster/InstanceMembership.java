package io.ipsecmesh.proto.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The live instances of one scalable service as heard on its members address ({@code dpd.members},
 * {@code natk.members}): another instance is live while its heartbeats keep coming (within
 * {@code timeoutMillis}); a leaving instance is dropped at once. This instance counts itself once it has
 * {@link #join() joined}: an instance may listen for a heartbeat period first, so that it knows every live
 * member before it claims any work (nat-keepalive does; dpd-service joins at once). Pure bookkeeping; the
 * caller feeds heartbeats and calls {@link #expire(long)} on its clock.
 */
public final class InstanceMembership {

  private final String self;
  private final long timeoutMillis;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private boolean joined;

  public InstanceMembership(String self, long timeoutMillis) {
    this.self = self;
    this.timeoutMillis = timeoutMillis;
  }

  public String self() {
    return self;
  }

  /** From now on this instance is a member (owns its share of the work). @return true when that is new */
  public boolean join() {
    boolean changed = !joined;
    joined = true;
    return changed;
  }

  public boolean joined() {
    return joined;
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

  /**
   * Live members, this one included once joined, sorted (every instance iterates them in the same order).
   * Empty while this instance has not joined and hears nobody.
   */
  public Set<String> members() {
    Set<String> all = new TreeSet<>(lastHeard.keySet());
    if (joined) {
      all.add(self);
    }
    return all;
  }
}

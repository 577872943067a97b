package io.ipsecmesh.proto.cluster;

import java.util.Set;

/**
 * Which work items (IKE SAs, NAT-T paths: any string key) this instance owns: the {@link RendezvousHash} of
 * the key over the member set last {@link #refresh() refreshed}. Every instance computes the same owner
 * from the same member set, so each key has exactly one owner once the heartbeats have settled; an
 * instance that has not joined owns nothing.
 */
public final class Ownership {

  private final InstanceMembership membership;
  private Set<String> members;

  public Ownership(InstanceMembership membership) {
    this.membership = membership;
    refresh();
  }

  /** Takes the current member set; call it after the membership changed, then re-evaluate the keys. */
  public void refresh() {
    members = membership.members();
  }

  public boolean ownedHere(String key) {
    return membership.joined() && membership.self().equals(RendezvousHash.owner(key, members));
  }

  public Set<String> members() {
    return members;
  }
}

package io.ipsecmesh.esp.spd;

/**
 * One crypto map entry ({@code crypto map NAME SEQ}) as a policy: its access list compiled, and the
 * index the SAD uses to find the entry's outbound SAs.
 */
public final class SpdEntry implements SelectorSet {

  private final String mapName;
  private final int sequence;
  private final int index;
  private final AclRule[] rules;
  private final boolean manual;

  public SpdEntry(String mapName, int sequence, int index, AclRule[] rules, boolean manual) {
    this.mapName = mapName;
    this.sequence = sequence;
    this.index = index;
    this.rules = rules.clone();
    this.manual = manual;
  }

  public String mapName() {
    return mapName;
  }

  public int sequence() {
    return sequence;
  }

  /** Position in the SPD; SAs of this entry are kept under it. */
  public int index() {
    return index;
  }

  public boolean manual() {
    return manual;
  }

  /** The first ACL line that matches the flow, or null. */
  AclRule firstMatch(FlowKey f) {
    for (AclRule r : rules) {
      if (r.matches(f)) {
        return r;
      }
    }
    return null;
  }

  /** For manual SAs the ACL is the selector: the packet must hit a permit line of this entry. */
  @Override
  public boolean coversOutbound(FlowKey f) {
    AclRule r = firstMatch(f);
    return r != null && r.permit();
  }

  /** An inbound packet is checked against the mirror of the ACL, as IOS mirrors crypto ACLs for the peer. */
  @Override
  public boolean coversInbound(FlowKey f) {
    f.mirror();
    try {
      return coversOutbound(f);
    } finally {
      f.mirror();
    }
  }

  @Override
  public String toString() {
    return mapName + " " + sequence;
  }
}

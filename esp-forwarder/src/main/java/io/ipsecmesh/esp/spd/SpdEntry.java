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
  /** The negotiated policies of a dynamic crypto map entry, null for a static entry. */
  private final NegotiatedPolicies negotiated;

  public SpdEntry(String mapName, int sequence, int index, AclRule[] rules, boolean manual) {
    this(mapName, sequence, index, rules, manual, null);
  }

  /**
   * @param negotiated for {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}: the policies its SAs bring (then
   *                   {@code rules} are the dynamic map's {@code match address} lines, for traffic before an SA)
   */
  public SpdEntry(String mapName, int sequence, int index, AclRule[] rules, boolean manual,
      NegotiatedPolicies negotiated) {
    this.mapName = mapName;
    this.sequence = sequence;
    this.index = index;
    this.rules = rules.clone();
    this.manual = manual;
    this.negotiated = negotiated;
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

  /**
   * A dynamic crypto map's entry: protected only by the SAs peers negotiate through it, never the reason for an
   * ACQUIRE (IOS never initiates from a dynamic map: it has no peer to ask).
   */
  public boolean dynamic() {
    return negotiated != null;
  }

  /** The negotiated policies of a dynamic entry, null for a static one. */
  public NegotiatedPolicies negotiated() {
    return negotiated;
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

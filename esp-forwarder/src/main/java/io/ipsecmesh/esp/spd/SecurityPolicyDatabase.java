package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The outbound SPD (RFC 4301 §4.4.1) built from the crypto maps applied to interfaces: entries in
 * sequence order, each entry's access list in line order, first match wins. A {@code permit} line
 * means PROTECT with that entry; a {@code deny} line means BYPASS (the packet is not protected);
 * no match at all means the packet travels in clear. Immutable: a configuration change builds a new
 * one, which the forwarder swaps in atomically — except for the policies a dynamic crypto map's entry gains and
 * loses with its SAs ({@link NegotiatedPolicies}, edited by the SAD).
 *
 * <p>Tunnel interfaces add one entry each (named after the interface, sequence
 * {@link GatewayConfig#TUNNEL_SEQUENCE}, no access list), chosen by the routes into them ({@link TunnelRoutes})
 * before any crypto map is looked at: the routing table picks the egress interface first, as on the router.
 */
public final class SecurityPolicyDatabase {

  /** Result of {@link #lookup} when the packet is not to be protected (deny line or no match). */
  public static final SpdEntry CLEAR = null;

  private final SpdEntry[] entries;
  private final AclRule[][] rulesPerEntry;
  private final TunnelRoutes tunnels;

  private SecurityPolicyDatabase(List<SpdEntry> entries, List<AclRule[]> rules, TunnelRoutes tunnels) {
    this.entries = entries.toArray(SpdEntry[]::new);
    this.rulesPerEntry = rules.toArray(AclRule[][]::new);
    this.tunnels = tunnels;
  }

  public static SecurityPolicyDatabase empty() {
    return new SecurityPolicyDatabase(List.of(), List.of(), TunnelRoutes.empty());
  }

  /**
   * Compiles the crypto map sets applied to any interface (all of them when no interface has one,
   * so a configuration without interfaces still forwards). Entries without {@code match address}
   * or whose access list does not exist protect nothing.
   */
  public static SecurityPolicyDatabase build(GatewayConfig config) {
    Set<String> applied = new LinkedHashSet<>();
    for (InterfaceConfig i : config.interfaces()) {
      if (i.cryptoMap() != null) {
        applied.add(i.cryptoMap());
      }
      if (i.ipv6CryptoMap() != null) {
        applied.add(i.ipv6CryptoMap()); // ipv6 crypto map: its entries match an ipv6 access-list
      }
    }
    if (applied.isEmpty()) {
      for (CryptoMapEntry e : config.cryptoMaps()) {
        applied.add(e.name());
      }
    }
    List<SpdEntry> entries = new ArrayList<>();
    List<AclRule[]> rules = new ArrayList<>();
    for (String map : applied) {
      for (CryptoMapEntry e : config.cryptoMap(map)) {
        if (e.dynamicMap() != null) {
          AclRule[] arr = DynamicMapRules.compile(config, e);
          entries.add(new SpdEntry(e.name(), e.seq(), entries.size(), arr, false, new NegotiatedPolicies()));
          rules.add(arr);
          continue;
        }
        AccessList acl = e.matchAddress() == null ? null : config.accessList(e.matchAddress());
        if (acl == null) {
          continue;
        }
        List<AclRule> compiled = new ArrayList<>();
        for (AccessListEntry line : acl.entries()) {
          AclRule r = AclRule.compile(line);
          if (r != null) {
            compiled.add(r);
          }
        }
        AclRule[] arr = compiled.toArray(AclRule[]::new);
        entries.add(new SpdEntry(e.name(), e.seq(), entries.size(), arr,
            e.keying() == CryptoMapEntry.Keying.IPSEC_MANUAL));
        rules.add(arr);
      }
    }
    for (InterfaceConfig t : config.ipsecTunnels()) {
      entries.add(new SpdEntry(t.name(), GatewayConfig.TUNNEL_SEQUENCE, entries.size(), new AclRule[0], false));
      rules.add(new AclRule[0]);
    }
    TunnelRoutes tunnels = TunnelRoutes.build(config, name -> entryIn(entries, name, GatewayConfig.TUNNEL_SEQUENCE));
    return new SecurityPolicyDatabase(entries, rules, tunnels);
  }

  private static SpdEntry entryIn(List<SpdEntry> entries, String name, int sequence) {
    for (SpdEntry e : entries) {
      if (e.mapName().equals(name) && e.sequence() == sequence) {
        return e;
      }
    }
    return null;
  }

  /**
   * This SPD with one more entry after its own (e.g. an Easy VPN remote's, whose Child SAs carry the remote's name
   * as their crypto map and sequence 0): the same entries and indexes, then the new one.
   */
  public SecurityPolicyDatabase withEntry(String mapName, int sequence, AclRule[] rules) {
    List<SpdEntry> e = new ArrayList<>(List.of(entries));
    List<AclRule[]> r = new ArrayList<>(List.of(rulesPerEntry));
    e.add(new SpdEntry(mapName, sequence, entries.length, rules, false));
    r.add(rules.clone());
    return new SecurityPolicyDatabase(e, r, tunnels); // indexes unchanged: the tunnels' routes still hold
  }

  /**
   * The entry that protects this outbound flow, or {@link #CLEAR}: the tunnel interface its destination is routed
   * into, else the first crypto map ACL line that matches. Allocation-free. A dynamic crypto map's entry first
   * matches the policies its SAs negotiated ({@link NegotiatedPolicies}), then its dynamic map's own lines.
   */
  public SpdEntry lookup(FlowKey f) {
    if (!tunnels.isEmpty()) {
      SpdEntry routed = tunnels.lookup(f);
      if (routed != null) {
        return routed;
      }
    }
    for (int i = 0; i < entries.length; i++) {
      NegotiatedPolicies negotiated = entries[i].negotiated();
      if (negotiated != null && negotiated.covers(f)) {
        return entries[i];
      }
      for (AclRule r : rulesPerEntry[i]) {
        if (r.matches(f)) {
          return r.permit() ? entries[i] : CLEAR;
        }
      }
    }
    return CLEAR;
  }

  public int size() {
    return entries.length;
  }

  public SpdEntry entryAt(int index) {
    return entries[index];
  }

  public SpdEntry entry(String mapName, int sequence) {
    for (SpdEntry e : entries) {
      if (e.mapName().equals(mapName) && e.sequence() == sequence) {
        return e;
      }
    }
    return null;
  }
}

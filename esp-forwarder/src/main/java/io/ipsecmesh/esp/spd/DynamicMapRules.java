package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN} entry matches before any peer has negotiated an SA
 * through it: the {@code match address} lines of the entries of {@code crypto dynamic-map DYN}, in their sequence
 * and line order. A {@code permit} makes the packet the entry's — with no SA it is dropped, and no ACQUIRE is
 * raised, since a dynamic map has no peer to ask (IOS drops such traffic rather than send it in clear); a
 * {@code deny} lets it through unprotected, like a deny line of a static entry. A dynamic map entry without
 * {@code match address} accepts any selectors its peers propose and matches nothing before they do.
 */
public final class DynamicMapRules {

  private DynamicMapRules() {}

  /** The compiled lines of every {@code match address} of the dynamic map {@code via} names. */
  public static AclRule[] compile(GatewayConfig config, CryptoMapEntry via) {
    List<AclRule> out = new ArrayList<>();
    for (AccessListEntry line : lines(config, via)) {
      AclRule r = AclRule.compile(line);
      if (r != null) {
        out.add(r);
      }
    }
    return out.toArray(AclRule[]::new);
  }

  /** The access-list lines of the dynamic map's entries, in sequence then line order. */
  public static List<AccessListEntry> lines(GatewayConfig config, CryptoMapEntry via) {
    List<AccessListEntry> out = new ArrayList<>();
    if (via.dynamicMap() == null) {
      return out;
    }
    for (CryptoMapEntry dyn : config.dynamicMap(via.dynamicMap())) {
      AccessList acl = dyn.matchAddress() == null ? null : config.accessList(dyn.matchAddress());
      if (acl != null) {
        out.addAll(acl.entries());
      }
    }
    return out;
  }
}

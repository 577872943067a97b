package io.ipsecmesh.esp;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub with only a dynamic crypto map, as the IOS text
 *
 * <pre>
 * crypto dynamic-map DYN 10
 *  set transform-set CBC
 *  [match address 102]
 * crypto map VPN 65535 ipsec-isakmp dynamic DYN
 * interface wan0
 *  ip address 172.31.255.1 255.255.255.252
 *  crypto map VPN
 * interface lan0
 *  ip address 10.91.1.1 255.255.255.0
 * access-list 102 permit ip 10.91.1.0 0.0.0.255 10.91.0.0 0.0.255.255
 * </pre>
 *
 * with {@link ManualKeyConfigs}'s transform set CBC, built as the typed model (the parser is config-service's).
 */
public final class DynamicMapHub {

  private DynamicMapHub() {}

  /** The hub, with {@code match address 102} in its dynamic map when {@code matchAddress}. */
  public static GatewayConfig config(boolean matchAddress) {
    CryptoMapEntry via = new CryptoMapEntry("VPN", 65535, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(), List.of(),
        null, null, null, null, null, null, null, List.of(), "DYN");
    CryptoMapEntry dyn = new CryptoMapEntry("DYN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(), List.of("CBC"),
        null, null, matchAddress ? "102" : null, null, null, null);
    AccessList acl = new AccessList("102", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.91.1.0", "0.0.0.255"), null, new AddressMatch("10.91.0.0", "0.0.255.255"), null, null)));
    GatewayConfig c = ManualKeyConfigs.withMaps(List.of(via), List.of(acl), "172.31.255.1");
    List<InterfaceConfig> interfaces = new ArrayList<>(c.interfaces());
    interfaces.add(new InterfaceConfig("lan0", "10.91.1.1", "255.255.255.0", null, null, null, null));
    return c.toBuilder().interfaces(interfaces).dynamicMaps(List.of(dyn)).build();
  }
}

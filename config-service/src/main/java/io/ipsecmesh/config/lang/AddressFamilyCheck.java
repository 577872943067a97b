package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks, once the whole file is read, that each crypto map is of one address family, as IOS keeps them: a map
 * applied with {@code ipv6 crypto map} protects IPv6 traffic (its {@code match address} names an {@code ipv6
 * access-list}, its {@code set peer} addresses are IPv6, and the interface has an {@code ipv6 address} to be the
 * tunnels' local address); one applied with {@code crypto map} is IPv4 throughout. A mixed map would negotiate
 * selectors of one family over an IKE SA of the other that the other end's policy never matches; each mismatch is
 * an error naming the line to change. Legacy Easy VPN (Cisco Easy VPN Remote) is IPv4 only: its outside interface
 * needs an IPv4 address.
 */
final class AddressFamilyCheck {

  private AddressFamilyCheck() {}

  static void check(ConfigDraft d, Diagnostics diagnostics) {
    Map<String, Boolean> family = new HashMap<>(); // map name -> ipv6?
    Map<String, Integer> lines = new HashMap<>();
    for (ConfigDraft.InterfaceDraft i : d.interfaces.values()) {
      if (i.ipv6CryptoMap != null) {
        if (i.ipv6Address == null) {
          diagnostics.error(i.ipv6CryptoMapLine, "interface " + i.name + ": ipv6 crypto map " + i.ipv6CryptoMap
              + " needs the interface's IPv6 address, the tunnels' local address: add ipv6 address X/LEN");
        }
        apply(family, lines, i.ipv6CryptoMap, true, i.ipv6CryptoMapLine, diagnostics);
      }
      if (i.cryptoMap != null) {
        apply(family, lines, i.cryptoMap, false, i.cryptoMapLine, diagnostics);
      }
      if (i.ezvpn != null && i.ezvpn.outside() && i.ipAddress == null && i.ipv6Address != null) {
        diagnostics.error(i.ezvpnLine, "interface " + i.name + ": crypto ipsec client ezvpn " + i.ezvpn.name()
            + " outside needs an IPv4 address (ip address A M): legacy Easy VPN is IPv4 only; for IPv6 use an ipv6"
            + " crypto map on this interface or a tunnel interface with tunnel mode ipsec ipv6");
      }
    }
    for (ConfigDraft.CryptoMapDraft e : d.cryptoMaps.values()) {
      Boolean ipv6 = family.get(e.name);
      if (ipv6 == null) {
        continue;
      }
      int line = lines.get(e.name);
      String where = "crypto map " + e.name + " " + e.seq + " (applied with " + (ipv6 ? "ipv6 crypto map" : "crypto map")
          + " " + e.name + "): ";
      for (String peer : e.peers) {
        if (ipv6 && Ipv4.isAddress(peer)) {
          diagnostics.error(line, where + "set peer " + peer + " is IPv4: an IPv6 crypto map's peers are IPv6 "
              + "addresses (or host names)");
        } else if (!ipv6 && Ipv6.isAddress(peer)) {
          diagnostics.error(line, where + "set peer " + Ipv6.ios(peer) + " is IPv6: apply the map with ipv6 crypto "
              + "map " + e.name + " on an interface with an ipv6 address");
        }
      }
      if (e.matchAddress != null) {
        ConfigDraft.AccessListDraft acl = d.accessLists.get(e.matchAddress);
        if (acl != null && acl.ipv6 != ipv6) {
          diagnostics.error(line, where + "match address " + e.matchAddress + " is an " + (acl.ipv6 ? "IPv6" : "IPv4")
              + " access list: " + (ipv6 ? "name an ipv6 access-list" : "name an ip access-list extended or a numbered"
              + " access list, or apply the map with ipv6 crypto map"));
        }
      }
    }
  }

  private static void apply(Map<String, Boolean> family, Map<String, Integer> lines, String map, boolean ipv6,
      int line, Diagnostics diagnostics) {
    Boolean before = family.putIfAbsent(map, ipv6);
    lines.putIfAbsent(map, line);
    if (before != null && before != ipv6) {
      diagnostics.error(line, "crypto map " + map + " is applied both with crypto map and with ipv6 crypto map: a map "
          + "protects one address family; give the IPv6 traffic its own map");
    }
  }
}

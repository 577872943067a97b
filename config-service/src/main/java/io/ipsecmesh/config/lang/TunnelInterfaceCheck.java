package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks, once the whole file is read, that every protected tunnel interface can run: a static VTI needs
 * {@code tunnel mode ipsec ipv4} or {@code ipsec ipv6} with a {@code tunnel source} and {@code tunnel destination} of
 * the same family (IPv6 over IPv6, as IOS's {@code ipsec ipv6}), inner addresses and routes of that family, and an
 * existing {@code crypto ipsec profile} with a transform set, and either an IKEv2 profile or, for IKEv1 (a profile
 * without {@code set ikev2-profile}, as on IOS), a {@code crypto isakmp policy} and a key for the destination (the
 * Cisco IPsec Virtual Tunnel Interface document, "Configuring Static IPsec Virtual Tunnel Interfaces"). Each missing piece is an error that
 * names the line to write: a VTI that silently stayed down would be worse than a refused file. Routes into a
 * tunnel that carries no IPsec get a warning.
 */
final class TunnelInterfaceCheck {

  private TunnelInterfaceCheck() {}

  static void check(ConfigDraft d, Diagnostics diagnostics) {
    Map<String, String> destinations = new HashMap<>();
    for (ConfigDraft.InterfaceDraft t : d.interfaces.values()) {
      if (t.tunnelProtection == null) {
        continue;
      }
      int line = t.protectionLine;
      String where = "interface " + t.name + ": tunnel protection ipsec profile " + t.tunnelProtection + ": ";
      boolean ipv6 = t.tunnelMode == TunnelMode.IPSEC_IPV6;
      if (t.tunnelMode != TunnelMode.IPSEC_IPV4 && !ipv6) {
        diagnostics.error(line, where + "needs tunnel mode ipsec ipv4 or tunnel mode ipsec ipv6 (the default tunnel"
            + " mode gre ip would be GRE over IPsec, which this gateway does not run)");
      } else {
        family(t, ipv6, line, where, diagnostics);
      }
      if (t.tunnelDestination == null) {
        diagnostics.error(line, where + "needs the peer's address: tunnel destination " + (ipv6 ? "IPV6-ADDRESS"
            : "ADDRESS"));
      } else {
        String other = destinations.putIfAbsent(t.tunnelDestination, t.name);
        if (other != null) {
          diagnostics.error(line, where + "interface " + other + " already has tunnel destination "
              + t.tunnelDestination + ": one tunnel interface per peer");
        }
      }
      sourceAddress(d, t, ipv6, line, where, diagnostics);
      ConfigDraft.IpsecProfileDraft p = d.ipsecProfiles.get(t.tunnelProtection);
      if (p == null) {
        diagnostics.error(line, where + "crypto ipsec profile " + t.tunnelProtection + " is not defined");
        continue;
      }
      if (p.transformSets.isEmpty()) {
        diagnostics.error(line, where + "the profile has no set transform-set: add set transform-set NAME to crypto"
            + " ipsec profile " + p.name + " (IOS's built-in default transform sets are not used here)");
      }
      if (p.ikev2Profile == null) {
        ikev1(d, t, p, line, where, diagnostics);
      } else if (p.isakmpProfile != null) {
        diagnostics.warn(line, where + "crypto ipsec profile " + p.name + " has set ikev2-profile: the tunnel"
            + " negotiates IKEv2 and its set isakmp-profile " + p.isakmpProfile + " is not used");
      }
    }
    for (int i = 0; i < d.staticRoutes.size(); i++) {
      StaticRoute r = d.staticRoutes.get(i);
      if (r.interfaceName() == null || !InterfaceNames.isTunnel(r.interfaceName())) {
        continue;
      }
      ConfigDraft.InterfaceDraft t = d.interfaces.get(r.interfaceName());
      String command = (r.ipv6() ? "ipv6 route " : "ip route ") + r.text();
      if (t != null && t.tunnelProtection == null) {
        diagnostics.warn(d.staticRouteLines.get(i), command + ": interface " + t.name
            + " has no tunnel protection ipsec profile: this gateway forwards nothing into it");
      } else if (t != null && t.tunnelMode == TunnelMode.IPSEC_IPV6 && !r.ipv6()) {
        diagnostics.error(d.staticRouteLines.get(i), command + ": interface " + t.name + " is tunnel mode ipsec ipv6"
            + " and carries IPv6 only: route IPv6 prefixes into it (ipv6 route X::/LEN " + t.name + "), IPv4 ones"
            + " into a tunnel mode ipsec ipv4 interface");
      } else if (t != null && t.tunnelMode == TunnelMode.IPSEC_IPV4 && r.ipv6()) {
        diagnostics.error(d.staticRouteLines.get(i), command + ": interface " + t.name + " is tunnel mode ipsec ipv4"
            + " and carries IPv4 only: route IPv6 prefixes into a tunnel mode ipsec ipv6 interface");
      }
    }
  }

  /**
   * A profile without {@code set ikev2-profile} protects the tunnel with IKEv1: Main Mode needs a {@code crypto isakmp
   * policy} with pre-shared keys and the key of the destination before the peer's ID arrives (RFC 2409 §5.4) — a
   * {@code crypto isakmp key … address} covering it, or with {@code set isakmp-profile} a hostname key the profile
   * matches (checked by ike-service, which logs a tunnel it cannot key).
   */
  private static void ikev1(ConfigDraft d, ConfigDraft.InterfaceDraft t, ConfigDraft.IpsecProfileDraft p, int line,
      String where, Diagnostics diagnostics) {
    if (d.isakmpPolicies.isEmpty()) {
      diagnostics.error(line, where + "the profile has no set ikev2-profile, so the tunnel negotiates IKEv1, and"
          + " there is no crypto isakmp policy: add crypto isakmp policy 10 (authentication pre-share) or set"
          + " ikev2-profile NAME to crypto ipsec profile " + p.name);
    }
    boolean v6 = t.tunnelDestination != null && Ipv6.looksLike(t.tunnelDestination);
    if (p.isakmpProfile == null && t.tunnelDestination != null && (Ipv4.isAddress(t.tunnelDestination) || v6)
        && d.isakmpKeys.values().stream().noneMatch(k -> k.matches(t.tunnelDestination))) {
      diagnostics.error(line, where + "the tunnel negotiates IKEv1 (no set ikev2-profile) and no crypto isakmp key"
          + " covers tunnel destination " + ios(t.tunnelDestination) + ": add crypto isakmp key KEY address "
          + (v6 ? "ipv6 " + Ipv6.ios(t.tunnelDestination) + "/128" : t.tunnelDestination));
    }
  }

  /**
   * {@code tunnel mode ipsec ipv6} is IPv6 inside and outside (IOS: an IPv6 tunnel source and destination, {@code ipv6
   * address} and {@code ipv6 route}s on the inside), {@code ipsec ipv4} IPv4 in both; a tunnel of one family with
   * addresses of the other would negotiate selectors its peer never matches, or send packets no SA carries. IPv4 over
   * IPv6 (IOS's {@code tunnel mode ipsec ipv4 v6-overlay}) is not run here: the error names what to write.
   */
  private static void family(ConfigDraft.InterfaceDraft t, boolean ipv6, int line, String where,
      Diagnostics diagnostics) {
    if (t.tunnelDestination != null && ipv6 != Ipv6.looksLike(t.tunnelDestination)) {
      diagnostics.error(line, where + "tunnel destination " + ios(t.tunnelDestination) + (ipv6
          ? " is IPv4 but tunnel mode ipsec ipv6 runs IPv6 over IPv6: write the peer's IPv6 address (IPv6 inside over"
          + " IPv4 outside is not supported)"
          : " is IPv6 but tunnel mode ipsec ipv4 runs IPv4 over IPv4: write tunnel mode ipsec ipv6 with ipv6 address"
          + " and ipv6 route … " + t.name + " for IPv6 traffic (IPv4 inside over IPv6 outside, tunnel mode ipsec ipv4"
          + " v6-overlay, is not supported)"));
    }
    if (t.tunnelSource != null && (Ipv4.isAddress(t.tunnelSource) || Ipv6.looksLike(t.tunnelSource))
        && ipv6 != Ipv6.looksLike(t.tunnelSource)) {
      diagnostics.error(line, where + "tunnel source " + ios(t.tunnelSource) + " is " + (ipv6 ? "IPv4" : "IPv6")
          + " but tunnel mode " + (ipv6 ? "ipsec ipv6" : "ipsec ipv4") + " needs an " + (ipv6 ? "IPv6" : "IPv4")
          + " source: write tunnel source INTERFACE or an " + (ipv6 ? "IPv6" : "IPv4") + " address");
    }
    if (ipv6 && t.ipAddress != null) {
      diagnostics.error(line, where + "ip address " + t.ipAddress + " on a tunnel mode ipsec ipv6 interface: it carries"
          + " IPv6 only; write ipv6 address X/LEN (or use tunnel mode ipsec ipv4 for IPv4)");
    }
    if (!ipv6 && t.ipv6Address != null) {
      diagnostics.error(line, where + "ipv6 address " + Ipv6.ios(t.ipv6Address) + " on a tunnel mode ipsec ipv4"
          + " interface: it carries IPv4 only; give IPv6 traffic its own tunnel mode ipsec ipv6 interface");
    }
    if (ipv6 && t.ipMtuLine != 0) {
      diagnostics.warn(t.ipMtuLine, "interface " + t.name + ": ip mtu applies to IPv4 packets, which a tunnel mode"
          + " ipsec ipv6 interface does not carry; ignored (write ipv6 mtu " + t.ipMtu + ")");
    }
    if (!ipv6 && t.ipv6MtuLine != 0) {
      diagnostics.warn(t.ipv6MtuLine, "interface " + t.name + ": ipv6 mtu applies to IPv6 packets, which a tunnel"
          + " mode ipsec ipv4 interface does not carry; ignored (write ip mtu " + t.ipv6Mtu + ")");
    }
  }

  private static String ios(String address) {
    return Ipv6.looksLike(address) ? Ipv6.ios(address) : address;
  }

  private static void sourceAddress(ConfigDraft d, ConfigDraft.InterfaceDraft t, boolean ipv6, int line, String where,
      Diagnostics diagnostics) {
    if (t.tunnelSource == null) {
      diagnostics.error(line, where + "needs tunnel source INTERFACE|ADDRESS (the local address of its IKE and ESP)");
      return;
    }
    if (Ipv4.isAddress(t.tunnelSource) || Ipv6.looksLike(t.tunnelSource)) {
      return;
    }
    ConfigDraft.InterfaceDraft src = d.interfaces.get(t.tunnelSource);
    if (ipv6 && (src == null || src.ipv6Address == null)) {
      diagnostics.error(line, where + "tunnel source " + t.tunnelSource + " has no ipv6 address"
          + (src == null ? " (the interface is not defined)" : "") + ": give it one (ipv6 address X/LEN) or write"
          + " tunnel source IPV6-ADDRESS");
    } else if (!ipv6 && (src == null || src.ipAddress == null)) {
      diagnostics.error(line, where + "tunnel source " + t.tunnelSource + " has no ip address"
          + (src == null ? " (the interface is not defined)" : "") + ": give it one or write tunnel source ADDRESS");
    } else if (src.tunnelLine != 0) {
      diagnostics.error(line, where + "tunnel source " + t.tunnelSource + " is itself a tunnel interface: name the"
          + " physical interface the ESP leaves by");
    }
  }
}

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks, once the whole file is read, that every protected tunnel interface can run: a static VTI needs
 * {@code tunnel mode ipsec ipv4}, a {@code tunnel source} with an address, a {@code tunnel destination}, and an
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
      if (t.tunnelMode == TunnelMode.IPSEC_IPV6) {
        diagnostics.error(line, where + "IPv6 virtual tunnel interfaces (tunnel mode ipsec ipv6) are not supported"
            + " yet: use tunnel mode ipsec ipv4");
      } else if (t.tunnelMode != TunnelMode.IPSEC_IPV4) {
        diagnostics.error(line, where + "needs tunnel mode ipsec ipv4 (the default tunnel mode gre ip would be GRE"
            + " over IPsec, which this gateway does not run)");
      }
      if (t.tunnelDestination == null) {
        diagnostics.error(line, where + "needs the peer's address: tunnel destination ADDRESS");
      } else {
        String other = destinations.putIfAbsent(t.tunnelDestination, t.name);
        if (other != null) {
          diagnostics.error(line, where + "interface " + other + " already has tunnel destination "
              + t.tunnelDestination + ": one tunnel interface per peer");
        }
      }
      sourceAddress(d, t, line, where, diagnostics);
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
      if (t != null && t.tunnelProtection == null) {
        diagnostics.warn(d.staticRouteLines.get(i), "ip route " + r.text() + ": interface " + t.name
            + " has no tunnel protection ipsec profile: this gateway forwards nothing into it");
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
    if (p.isakmpProfile == null && t.tunnelDestination != null && Ipv4.isAddress(t.tunnelDestination)
        && d.isakmpKeys.values().stream().noneMatch(k -> k.matches(t.tunnelDestination))) {
      diagnostics.error(line, where + "the tunnel negotiates IKEv1 (no set ikev2-profile) and no crypto isakmp key"
          + " covers tunnel destination " + t.tunnelDestination + ": add crypto isakmp key KEY address "
          + t.tunnelDestination);
    }
  }

  private static void sourceAddress(ConfigDraft d, ConfigDraft.InterfaceDraft t, int line, String where,
      Diagnostics diagnostics) {
    if (t.tunnelSource == null) {
      diagnostics.error(line, where + "needs tunnel source INTERFACE|ADDRESS (the local address of its IKE and ESP)");
      return;
    }
    if (Ipv4.isAddress(t.tunnelSource)) {
      return;
    }
    ConfigDraft.InterfaceDraft src = d.interfaces.get(t.tunnelSource);
    if (src == null || src.ipAddress == null) {
      diagnostics.error(line, where + "tunnel source " + t.tunnelSource + " has no ip address"
          + (src == null ? " (the interface is not defined)" : "") + ": give it one or write tunnel source ADDRESS");
    } else if (src.tunnelLine != 0) {
      diagnostics.error(line, where + "tunnel source " + t.tunnelSource + " is itself a tunnel interface: name the"
          + " physical interface the ESP leaves by");
    }
  }
}

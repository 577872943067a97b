package io.ipsecmesh.config.show;

import java.util.Locale;

/**
 * The argument of {@code show crypto ipsec sa [map NAME | address | identity | interface IF | peer ADDR]
 * [detail]} (IOS XE IPsec Data Plane guide, "Verifying IPsec Configuration": {@code show crypto ipsec sa
 * [map map-name | address | identity] [detail]}; the {@code interface} form is the one of the
 * "Invalid Security Parameter Index Recovery" example).
 *
 * @param kind  which filter or layout
 * @param value the map name, interface name or peer address; null for {@code ALL}, {@code ADDRESS},
 *              {@code IDENTITY}
 */
public record IpsecSaQuery(Kind kind, String value, boolean detail) {

  public enum Kind {
    /** every flow, grouped by interface */
    ALL,
    /** the flows of one crypto map */
    MAP,
    /** the SAs grouped by destination address and protocol, without flow blocks */
    ADDRESS,
    /** the flow blocks only, without the SA lists */
    IDENTITY,
    /** the flows on one interface */
    INTERFACE,
    /** the flows with one peer */
    PEER
  }

  public static IpsecSaQuery all(boolean detail) {
    return new IpsecSaQuery(Kind.ALL, null, detail);
  }

  /**
   * Whether an interface name as typed names this configured interface, as the IOS CLI reads one: case
   * does not matter, a space may separate type and number, and the type may be abbreviated
   * ({@code fa0/0}, {@code FastEthernet 0/0}).
   */
  static boolean namesInterface(String typed, String configured) {
    String t = typed.replace(" ", "").toLowerCase(Locale.ROOT);
    String c = configured.toLowerCase(Locale.ROOT);
    if (t.equals(c)) {
      return true;
    }
    int tn = firstDigit(t);
    int cn = firstDigit(c);
    return tn > 0 && cn > 0 && c.substring(0, cn).startsWith(t.substring(0, tn))
        && t.substring(tn).equals(c.substring(cn));
  }

  private static int firstDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}

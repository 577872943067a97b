package io.ipsecmesh.config.lang;

import java.util.Locale;

/**
 * Interface names as IOS writes them back: the CLI takes {@code tunnel1}, {@code Tunnel 1} or {@code tu1} and
 * {@code show running-config} says {@code Tunnel1}. Only tunnel interfaces are put in that form here, because a
 * route ({@code ip route … Tunnel1}) must find the interface it names however either was typed; other names keep
 * their spelling (they name host interfaces through the forwarder's interface map).
 */
final class InterfaceNames {

  /** The largest tunnel interface number IOS XE accepts. */
  static final long MAX_TUNNEL = 2_147_483_647L;

  private InterfaceNames() {}

  /** {@code Tunnel<N>} for a tunnel interface name in any case or abbreviation ({@code tu}…), else the name. */
  static String canonical(String name) {
    int digits = 0;
    while (digits < name.length() && !Character.isDigit(name.charAt(digits))) {
      digits++;
    }
    String word = name.substring(0, digits).toLowerCase(Locale.ROOT);
    String number = name.substring(digits);
    if (word.length() >= 2 && "tunnel".startsWith(word) && !number.isEmpty() && number.length() <= 10
        && number.chars().allMatch(Character::isDigit) && Long.parseLong(number) <= MAX_TUNNEL) {
      return "Tunnel" + Long.parseLong(number);
    }
    return name;
  }

  /** Whether the (canonical) name is a tunnel interface's. */
  static boolean isTunnel(String canonicalName) {
    return canonicalName.startsWith("Tunnel") && canonicalName.length() > 6
        && canonicalName.substring(6).chars().allMatch(Character::isDigit);
  }
}

package io.ipsecmesh.esp.iface;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which host (Linux) interface an IOS interface of the configuration is. IOS names such as
 * {@code GigabitEthernet0/0} are no Linux interface names (at most 15 characters, no {@code /}, no
 * {@code :}, no white space — the kernel's {@code dev_valid_name}), and the forwarder's host may call
 * its NICs anything: the mapping is a property of the host the forwarder runs on, not of the
 * cluster-wide configuration, so it is the forwarder's deployment option {@code interfaceMap}
 * ({@code --interfaceMap GigabitEthernet0/0=eth0,GigabitEthernet0/1=eth1}). An IOS name that is a
 * valid Linux name and is not mapped stands for the host interface of that name ({@code interface
 * wan0}). Anything else is unmapped: {@link #problems} names it with the fix.
 */
public final class InterfaceMap {

  /** The Linux kernel's IFNAMSIZ is 16 including the terminating NUL. */
  public static final int MAX_HOST_NAME = 15;

  public static final InterfaceMap IDENTITY = new InterfaceMap(Map.of());

  private final Map<String, String> hostByIos;

  private InterfaceMap(Map<String, String> hostByIos) {
    this.hostByIos = Map.copyOf(hostByIos);
  }

  /**
   * Parses {@code IOS=HOST[,IOS=HOST…]} (null or blank: no explicit mapping).
   *
   * @throws IllegalArgumentException naming the bad element
   */
  public static InterfaceMap parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return IDENTITY;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String element : spec.split(",")) {
      String e = element.strip();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException("interfaceMap: '" + e + "' is not IOS-NAME=HOST-INTERFACE");
      }
      String ios = e.substring(0, eq).strip();
      String host = e.substring(eq + 1).strip();
      if (!validHostName(host)) {
        throw new IllegalArgumentException("interfaceMap: '" + host + "' (for " + ios
            + ") is no Linux interface name (1-15 characters, no '/', ':' or white space)");
      }
      if (m.put(ios, host) != null) {
        throw new IllegalArgumentException("interfaceMap: " + ios + " is mapped twice");
      }
    }
    return new InterfaceMap(m);
  }

  /** The Linux kernel's {@code dev_valid_name}. */
  public static boolean validHostName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_HOST_NAME || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /** The host interface of IOS interface {@code iosName}, or null when it has none. */
  public String hostName(String iosName) {
    String mapped = hostByIos.get(iosName);
    if (mapped != null) {
      return mapped;
    }
    return validHostName(iosName) ? iosName : null;
  }

  /**
   * One message per interface carrying a crypto map that has no host interface: the forwarder
   * refuses such a configuration (its access check and per-interface policy would match nothing).
   */
  public List<String> problems(GatewayConfig config) {
    List<String> out = new ArrayList<>();
    for (InterfaceConfig i : config.interfaces()) {
      String map = i.cryptoMap() != null ? "crypto map " + i.cryptoMap()
          : i.ipv6CryptoMap() != null ? "ipv6 crypto map " + i.ipv6CryptoMap() : null;
      if (map != null && hostName(i.name()) == null) {
        out.add("interface " + i.name() + " (" + map
            + ") is no host interface: IOS interface names are not Linux names; map it with the forwarder option "
            + "--interfaceMap " + i.name() + "=HOST-INTERFACE (e.g. eth0)");
      }
    }
    return out;
  }

  /** The explicit mappings, IOS name to host name. */
  public Map<String, String> entries() {
    return hostByIos;
  }

  @Override
  public String toString() {
    return hostByIos.toString();
  }
}

package io.ipsecmesh.config.lang;

import java.util.Locale;
import java.util.Set;

/** Which first words start a global-mode command, so a non-indented line can leave a sub-mode. */
final class Syntax {

  /** First words of global configuration commands seen in IOS configurations. */
  private static final Set<String> GLOBAL_WORDS = Set.of(
      "crypto", "interface", "access-list", "ip", "ipv6", "hostname", "version", "service", "boot-start-marker",
      "boot-end-marker", "boot", "clock", "aaa", "enable", "line", "end", "control-plane", "logging", "dialer-list",
      "call", "mgcp", "dial-peer", "gatekeeper", "controller", "mta", "username", "ntp", "snmp-server", "router",
      "banner", "license", "redundancy", "cns", "mpls", "vrf", "archive", "spanning-tree", "vlan", "key",
      "object-group", "class-map", "policy-map", "route-map", "track", "event", "alias", "scheduler", "multilink",
      "voice", "memory", "platform", "diagnostic", "subscriber", "security", "login", "process", "system",
      "hw-module", "card", "exception", "tftp-server", "ftp-server", "virtual-service", "udld", "errdisable",
      // The first lines of a captured "show running-config" ("Building configuration...", "Current configuration : …").
      "building", "current");

  /**
   * Commands that only exist inside a sub-mode. At global level they mean a block header is missing, which
   * for crypto commands must not go unnoticed.
   */
  private static final Set<String> SUB_MODE_WORDS = Set.of(
      "set", "match", "encryption", "hash", "authentication", "group", "lifetime", "peer", "connect", "dpd",
      "proposal", "integrity", "prf", "keyring", "pre-shared-key", "permit", "deny", "remark");

  private Syntax() {}

  static boolean isGlobalCommand(Args line) {
    String first = line.word(0).toLowerCase(Locale.ROOT);
    if (first.equals("no")) {
      return line.is(1, "crypto") || line.is(1, "service") || line.is(1, "aaa") || line.is(1, "ftp-server")
          || line.is(1, "logging") || line.is(1, "voice") || line.startsWith("no", "ip", "http")
          || line.startsWith("no", "ip", "domain");
    }
    return GLOBAL_WORDS.contains(first);
  }

  static boolean isSubModeCommand(Args line) {
    return SUB_MODE_WORDS.contains(line.word(0).toLowerCase(Locale.ROOT));
  }
}

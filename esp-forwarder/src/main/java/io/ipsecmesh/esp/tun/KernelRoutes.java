package io.ipsecmesh.esp.tun;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ipv4;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Steers protected traffic into the TUN interface: one kernel route per destination network of a
 * crypto ACL {@code permit} line, the route-based equivalent of applying a crypto map to an
 * interface; IPv6 ({@code ipv6 access-list}) lines give IPv6 routes. {@code any} destinations get no route (that
 * would capture the default route).
 */
public final class KernelRoutes {

  private KernelRoutes() {}

  /**
   * The destination prefixes (CIDR text) of every permit line of every crypto map's access list, then the prefixes
   * routed into tunnel interfaces ({@link io.ipsecmesh.esp.spd.TunnelRoutes#kernelPrefixes}).
   */
  public static List<String> protectedDestinations(GatewayConfig config) {
    Set<String> out = new LinkedHashSet<>();
    for (CryptoMapEntry e : config.cryptoMaps()) {
      AccessList acl = e.matchAddress() == null ? null : config.accessList(e.matchAddress());
      if (acl == null) {
        continue;
      }
      for (AccessListEntry line : acl.entries()) {
        if (line.action() != AccessListEntry.Action.PERMIT || line.destination().isAny()) {
          continue;
        }
        if (line.destination().ipv6()) {
          // ipv6 access-list: the prefix itself (ip picks the family from the text: an IPv6 route into the TUN)
          String p6 = Ipv6Prefixes.prefix(line.destination());
          if (p6 != null) {
            out.add(p6);
          }
          continue;
        }
        long wildcard = Ipv4.toLong(line.destination().wildcard());
        long inverse = wildcard + 1;
        if ((inverse & wildcard) != 0) {
          continue; // a non-contiguous wildcard is no prefix
        }
        int prefix = 32 - Long.numberOfTrailingZeros(inverse);
        long net = Ipv4.toLong(line.destination().address()) & ~wildcard & 0xFFFF_FFFFL;
        out.add((net >>> 24) + "." + (net >>> 16 & 0xFF) + "." + (net >>> 8 & 0xFF) + "." + (net & 0xFF) + "/" + prefix);
      }
    }
    out.addAll(io.ipsecmesh.esp.spd.TunnelRoutes.kernelPrefixes(config));
    return new ArrayList<>(out);
  }

  /** {@code ip route replace PREFIX dev DEV} for each prefix; returns the failures as messages. Blocking. */
  public static List<String> install(String device, List<String> prefixes) {
    List<String> failures = new ArrayList<>();
    for (String p : prefixes) {
      try {
        Process proc = new ProcessBuilder("ip", "route", "replace", p, "dev", device)
            .redirectErrorStream(true).start();
        String output = new String(proc.getInputStream().readAllBytes()).trim();
        if (!proc.waitFor(5, TimeUnit.SECONDS) || proc.exitValue() != 0) {
          failures.add("ip route replace " + p + " dev " + device + ": " + output);
        }
      } catch (IOException e) {
        failures.add("ip route replace " + p + " dev " + device + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add("interrupted");
        break;
      }
    }
    return failures;
  }
}

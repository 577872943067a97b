package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces a test creates and removes, and the few shapes of links the scenarios build in them: veth
 * pairs with addresses, a LAN host behind a gateway, a gateway that routes. Names carry {@link #TAG} (this JVM's
 * PID) so that the same test in two worktrees never meets the other's namespaces; {@link #close()} deletes every
 * namespace made here, also after a failure. Every command is bounded in time ({@link Sh}).
 */
public final class Netns implements AutoCloseable {

  /** A per-JVM suffix for namespace names (at most 5 digits: names stay short for interface-name limits). */
  public static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000);

  private final List<String> created = new ArrayList<>();

  /** Creates the namespaces {@code names} with their loopback up. */
  public Netns(String... names) {
    try {
      for (String ns : names) {
        Sh.must("ip", "netns", "add", ns);
        created.add(ns);
        Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Skips the test (JUnit assumption, with the reason) unless it runs as root with {@code tools} on the path and,
   * when {@code tun}, a {@code /dev/net/tun}.
   */
  public static void assumeRoot(boolean tun, String... tools) {
    assumeTrue(Sh.isRoot(), "needs root to create network namespaces" + (tun ? " and TUN devices" : ""));
    if (tun) {
      assumeTrue(new File("/dev/net/tun").exists(), "no /dev/net/tun");
    }
    for (String t : tools) {
      assumeTrue(Sh.have(t), "needs " + String.join(", ", tools) + " (" + t + " is missing)");
    }
  }

  /** A veth pair: {@code ifA} in {@code nsA}, {@code ifB} in {@code nsB}, both down until {@link #up}. */
  public Netns veth(String nsA, String ifA, String nsB, String ifB) {
    Sh.must("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
    return this;
  }

  /** {@code ip addr add CIDR dev IFACE} in {@code ns} (an IPv6 one without duplicate address detection). */
  public Netns addr(String ns, String iface, String cidr) {
    if (cidr.indexOf(':') >= 0) {
      Sh.must("ip", "-n", ns, "-6", "addr", "add", cidr, "dev", iface, "nodad");
    } else {
      Sh.must("ip", "-n", ns, "addr", "add", cidr, "dev", iface);
    }
    return this;
  }

  /** Sets the interfaces up. */
  public Netns up(String ns, String... ifaces) {
    for (String i : ifaces) {
      Sh.must("ip", "-n", ns, "link", "set", i, "up");
    }
    return this;
  }

  /** {@code ip route add ROUTE…} in {@code ns}. */
  public Netns route(String ns, String... route) {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns, "route", "add"));
    cmd.addAll(List.of(route));
    Sh.must(cmd.toArray(String[]::new));
    return this;
  }

  /** A gateway that forwards between its interfaces, without reverse-path filtering (asymmetric test routes). */
  public Netns router(String ns) {
    Sh.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    Sh.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
    Sh.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    return this;
  }

  /**
   * A LAN host behind a gateway: {@code lan0} in {@code gw} with {@code gwAddr/24}, {@code eth0} in {@code host}
   * with {@code hostAddr/24}, both up, the host's default route via the gateway.
   */
  public Netns lan(String gw, String host, String gwAddr, String hostAddr) {
    veth(gw, "lan0", host, "eth0");
    addr(gw, "lan0", gwAddr + "/24").addr(host, "eth0", hostAddr + "/24");
    up(gw, "lan0").up(host, "eth0");
    return route(host, "default", "via", gwAddr);
  }

  /** A gateway that also forwards IPv6 (RFC 8200: a router; its interfaces then ignore router advertisements). */
  public Netns router6(String ns) {
    Sh.must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    return this;
  }

  /**
   * IPv6 on a LAN made by {@link #lan}: {@code gwAddr/64} on the gateway's {@code lan0}, {@code hostAddr/64} on the
   * host's {@code eth0} (without duplicate address detection, so they are usable at once), the host's IPv6
   * default route via the gateway.
   */
  public Netns lan6(String gw, String host, String gwAddr, String hostAddr) {
    Sh.must("ip", "-n", gw, "-6", "addr", "add", gwAddr + "/64", "dev", "lan0", "nodad");
    Sh.must("ip", "-n", host, "-6", "addr", "add", hostAddr + "/64", "dev", "eth0", "nodad");
    Sh.must("ip", "-n", host, "-6", "route", "add", "default", "via", gwAddr);
    return this;
  }

  /** {@code ping} from {@code ns}: {@code count} echo requests 0.2 s apart, each answered within {@code wait} s. */
  public static Sh.Result ping(String ns, String to, int count, int waitSeconds, String... options) {
    List<String> cmd = new ArrayList<>(List.of("ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W",
        Integer.toString(waitSeconds)));
    cmd.addAll(List.of(options));
    cmd.add(to);
    return Sh.run(20L + count, Sh.inNs(ns, cmd.toArray(String[]::new)).toArray(String[]::new));
  }

  /** Deletes every namespace this object created (their interfaces go with them). */
  @Override
  public void close() {
    for (String ns : created) {
      Sh.run(10, "ip", "netns", "del", ns);
    }
    created.clear();
  }
}

package io.ipsecmesh.it.ezvpn;

import io.ipsecmesh.testsupport.Sh;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The namespaces of the Easy VPN scenario, all named {@code ezv*} (the DPD failover test's shape): our gateway
 * {@code ezva} with LAN host {@code ezvla} (10.91.1.10), and two strongSwan Easy VPN servers {@code ezvb} and
 * {@code ezvc} on one WAN segment (a bridge in {@code ezvw}, 172.31.255.0/24), each with its own LAN host holding
 * the same service address 10.91.2.10 ({@code ezvlb}, {@code ezvlc}): whichever server carries the tunnel, LAN A
 * reaches 10.91.2.10. No route joins the LANs outside IPsec. Nothing leaves these namespaces.
 */
final class EzvpnTopology {

  static final String GW = "ezva";
  static final String LAN_A = "ezvla";
  static final String PEER_1 = "ezvb";
  static final String PEER_2 = "ezvc";
  static final String WAN = "ezvw";
  static final String GW_WAN = "172.31.255.1";
  static final String PEER_1_WAN = "172.31.255.2";
  static final String PEER_2_WAN = "172.31.255.3";
  static final String LAN_B_HOST = "10.91.2.10";
  private static final List<String> NAMESPACES = List.of(GW, LAN_A, PEER_1, "ezvlb", PEER_2, "ezvlc", WAN);

  private EzvpnTopology() {}

  static void up() throws IOException, InterruptedException {
    down();
    for (String ns : NAMESPACES) {
      run("ip", "netns", "add", ns);
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    run("ip", "-n", WAN, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", WAN, "link", "set", "br0", "up");
    wan(GW, GW_WAN, "pa");
    wan(PEER_1, PEER_1_WAN, "pb");
    wan(PEER_2, PEER_2_WAN, "pc");
    lan(GW, LAN_A, "10.91.1.1", "10.91.1.10");
    lan(PEER_1, "ezvlb", "10.91.2.1", LAN_B_HOST);
    lan(PEER_2, "ezvlc", "10.91.2.1", LAN_B_HOST);
    for (String ns : List.of(GW, PEER_1, PEER_2)) {
      // gateways forward; decrypted packets re-enter through a TUN with LAN source addresses
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    }
  }

  private static void wan(String ns, String address, String bridgePort) throws IOException, InterruptedException {
    run("ip", "link", "add", "wan0", "netns", ns, "type", "veth", "peer", "name", bridgePort, "netns", WAN);
    run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "wan0");
    run("ip", "-n", ns, "link", "set", "wan0", "up");
    run("ip", "-n", WAN, "link", "set", bridgePort, "master", "br0");
    run("ip", "-n", WAN, "link", "set", bridgePort, "up");
  }

  private static void lan(String gw, String host, String gwAddress, String hostAddress)
      throws IOException, InterruptedException {
    run("ip", "link", "add", "lan0", "netns", gw, "type", "veth", "peer", "name", "eth0", "netns", host);
    run("ip", "-n", gw, "addr", "add", gwAddress + "/24", "dev", "lan0");
    run("ip", "-n", host, "addr", "add", hostAddress + "/24", "dev", "eth0");
    run("ip", "-n", gw, "link", "set", "lan0", "up");
    run("ip", "-n", host, "link", "set", "eth0", "up");
    run("ip", "-n", host, "route", "add", "default", "via", gwAddress);
  }

  /** Peer {@code ns} goes silent: an nftables table that drops everything in and out (WAN and LAN). */
  static void silence(String ns) throws IOException, InterruptedException {
    run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), """
        table inet ezvsilent {
          chain in { type filter hook input priority -300; policy drop; }
          chain out { type filter hook output priority -300; policy drop; }
        }
        """);
  }

  /** Deletes every namespace of the topology (what runs inside must be stopped first). */
  static void down() throws IOException, InterruptedException {
    String list = capture(List.of("ip", "netns", "list"), Map.of());
    for (String ns : NAMESPACES) {
      if (list.lines().anyMatch(l -> l.split(" ")[0].equals(ns))) {
        capture(List.of("ip", "netns", "del", ns), Map.of());
      }
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    run(List.of(cmd), null);
  }

  private static void run(List<String> cmd, String stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  /** Runs {@code cmd} (bounded: 90 s) and returns its output, whatever its exit status. */
  static String capture(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    return Sh.capture(cmd, env);
  }
}

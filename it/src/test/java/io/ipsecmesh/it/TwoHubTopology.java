package io.ipsecmesh.it;

import io.ipsecmesh.testsupport.Sh;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gateway and two hubs, the topology of the DPD failover test and of the Easy VPN scenario, its namespaces
 * named by a prefix {@code P} so scenarios never share one: our gateway {@code Pa} with LAN host {@code Pla}
 * (10.91.1.10), and two strongSwan hubs {@code Pb} and {@code Pc} on one WAN segment (a bridge in {@code Pw},
 * 172.31.255.0/24), each with its own LAN host holding the same service address 10.91.2.10 ({@code Plb},
 * {@code Plc}): whichever hub carries the tunnel, LAN A reaches 10.91.2.10. No route joins the LANs outside
 * IPsec. Nothing leaves these namespaces.
 */
public final class TwoHubTopology {

  public static final String GW_WAN = "172.31.255.1";
  public static final String PEER_1_WAN = "172.31.255.2";
  public static final String PEER_2_WAN = "172.31.255.3";
  public static final String LAN_B_HOST = "10.91.2.10";

  public final String gw;
  public final String lanA;
  public final String peer1;
  public final String peer2;
  public final String wan;
  /** The LAN host namespaces behind peer 1 and peer 2 (both {@link #LAN_B_HOST}). */
  public final String lanB;
  public final String lanC;
  private final String prefix;
  private final List<String> namespaces;
  /** {@code /etc/netns/GW/hosts}, written by {@link #hosts}; {@link #down()} removes it. */
  private final java.nio.file.Path gwHosts;
  /** Whether {@link #hosts} created {@code /etc/netns} (then {@link #down()} removes it again, once empty). */
  private boolean createdNetnsDir;

  public TwoHubTopology(String prefix) {
    this.prefix = prefix;
    gw = prefix + "a";
    lanA = prefix + "la";
    peer1 = prefix + "b";
    peer2 = prefix + "c";
    wan = prefix + "w";
    lanB = prefix + "lb";
    lanC = prefix + "lc";
    namespaces = List.of(gw, lanA, peer1, prefix + "lb", peer2, prefix + "lc", wan);
    gwHosts = java.nio.file.Path.of("/etc/netns", gw, "hosts");
  }

  /**
   * The gateway namespace's {@code /etc/hosts}: {@code ip netns exec GW} bind-mounts {@code /etc/netns/GW/hosts} over
   * it, so the gateway's system resolver sees these names and nothing else on the machine does. Removed by
   * {@link #down()}.
   */
  public void hosts(String lines) throws IOException {
    createdNetnsDir |= !java.nio.file.Files.exists(gwHosts.getParent().getParent());
    java.nio.file.Files.createDirectories(gwHosts.getParent());
    java.nio.file.Files.writeString(gwHosts, lines);
  }

  public void up() throws IOException, InterruptedException {
    down();
    for (String ns : namespaces) {
      run("ip", "netns", "add", ns);
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    run("ip", "-n", wan, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", wan, "link", "set", "br0", "up");
    wan(gw, GW_WAN, "pa");
    wan(peer1, PEER_1_WAN, "pb");
    wan(peer2, PEER_2_WAN, "pc");
    lan(gw, lanA, "10.91.1.1", "10.91.1.10");
    lan(peer1, prefix + "lb", "10.91.2.1", LAN_B_HOST);
    lan(peer2, prefix + "lc", "10.91.2.1", LAN_B_HOST);
    for (String ns : List.of(gw, peer1, peer2)) {
      // gateways forward; decrypted packets re-enter through a TUN with LAN source addresses
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    }
  }

  private void wan(String ns, String address, String bridgePort) throws IOException, InterruptedException {
    run("ip", "link", "add", "wan0", "netns", ns, "type", "veth", "peer", "name", bridgePort, "netns", wan);
    run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "wan0");
    run("ip", "-n", ns, "link", "set", "wan0", "up");
    run("ip", "-n", wan, "link", "set", bridgePort, "master", "br0");
    run("ip", "-n", wan, "link", "set", bridgePort, "up");
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
  public void silence(String ns) throws IOException, InterruptedException {
    run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), """
        table inet silent {
          chain in { type filter hook input priority -300; policy drop; }
          chain out { type filter hook output priority -300; policy drop; }
        }
        """);
  }

  /**
   * Deletes every namespace of the topology and the gateway's hosts file (what runs inside must be stopped first).
   */
  public void down() throws IOException, InterruptedException {
    java.nio.file.Files.deleteIfExists(gwHosts);
    java.nio.file.Files.deleteIfExists(gwHosts.getParent());
    if (createdNetnsDir) {
      try (var left = java.nio.file.Files.list(gwHosts.getParent().getParent())) {
        if (left.findAny().isEmpty()) {
          java.nio.file.Files.deleteIfExists(gwHosts.getParent().getParent());
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        // removed already
      }
    }
    String list = capture(List.of("ip", "netns", "list"), Map.of());
    for (String ns : namespaces) {
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
  public static String capture(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    return Sh.capture(cmd, env);
  }
}

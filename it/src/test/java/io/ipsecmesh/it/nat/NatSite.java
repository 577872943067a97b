package io.ipsecmesh.it.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NAT topology of test-support's strongSwan harness ({@code netns-up.sh --nat}), named by a prefix so
 * several run side by side: {@code <p>lana} — {@code <p>gwa} (wan0 172.31.254.1) — {@code <p>nat}
 * (nftables masquerade to 172.31.255.1, UDP conntrack timeouts 20 s) — {@code <p>gwb} (172.31.255.2) —
 * {@code <p>lanb}. Our whole gateway ({@code ipsec-mesh run} as a child JVM) and strongSwan 5.9.8
 * (kernel-libipsec) take the two gateway namespaces:
 *
 * <ul>
 *   <li>{@link #gatewayBehindNat}: ours in gwa, strongSwan in gwb sending no NAT keepalives of its own
 *       ({@code keep_alive = 0s}), no DPD and never initiating, so once the LANs fall silent only our
 *       gateway can keep the NAT mapping alive. dumpcap records {@code udp port 4500} on the NAT's inside
 *       interface in0: everything our gateway sends towards the NAT and everything the NAT lets in to it.
 *   <li>{@link #peerBehindNat}: strongSwan in gwa (initiating, DPD every 5 s), ours in gwb, the capture on
 *       the NAT's outside interface out0, where our gateway's packets to the mapped port pass.
 * </ul>
 */
final class NatSite {

  /** Our gateway's address behind the NAT and the NAT's outside address (what strongSwan sees). */
  static final String GATEWAY_WAN = "172.31.254.1";
  static final String NAT_OUTSIDE = "172.31.255.1";
  static final String PEER = "172.31.255.2";
  static final String LAN_A_HOST = "10.91.1.10";
  static final String LAN_B_HOST = "10.91.2.10";
  /** The seed's NAT mapping expiration time ("which is 20 seconds", NAT Transparency chapter). */
  static final int NAT_UDP_TIMEOUT_SECONDS = 20;
  private static final Pattern CURRENT_PEER = Pattern.compile("current_peer: " + Pattern.quote(NAT_OUTSIDE) + ":(\\d+)");
  private static final int METRICS_PORT = 9400;

  final String prefix;
  /** {@code crypto isakmp nat keepalive} seconds, or null for none. */
  final Integer keepaliveSeconds;
  /** strongSwan behind the NAT and our gateway outside, instead of the other way round. */
  final boolean peerBehindNat;
  final Path run;
  /**
   * strongSwan's DPD interval in {@link #peerBehindNat}: its requests are authenticated IKE that shows a
   * remapped port; "0s" keeps it silent after setup, so only ESP can show one.
   */
  String peerDpdDelay = "5s";
  private final Path gatewayLog;
  private final Path pcap;
  private boolean namespaces;
  private Process gateway;
  private Process capture;

  private NatSite(String prefix, Integer keepaliveSeconds, boolean peerBehindNat) throws IOException {
    this.prefix = prefix;
    this.keepaliveSeconds = keepaliveSeconds;
    this.peerBehindNat = peerBehindNat;
    this.run = Sh.runDirectory("it-nat-" + prefix + "-");
    this.gatewayLog = run.resolve("gateway.log");
    this.pcap = run.resolve(captureInterface() + ".pcapng");
  }

  static NatSite gatewayBehindNat(String prefix, Integer keepaliveSeconds) throws IOException {
    return new NatSite(prefix, keepaliveSeconds, false);
  }

  static NatSite peerBehindNat(String prefix, Integer keepaliveSeconds) throws IOException {
    return new NatSite(prefix, keepaliveSeconds, true);
  }

  /** Skips the calling test, with the reason, on a machine that cannot run these topologies. */
  static void assumePrerequisites() throws Exception {
    StrongswanHarness.assumeStrongswanAndTun("kernel-libipsec", "gcm", "openssl");
    for (String tool : List.of("/usr/bin/dumpcap", "/usr/bin/tshark", "/usr/sbin/nft", "/usr/bin/curl",
        "/usr/bin/python3")) {
      assumeTrue(Files.isExecutable(Path.of(tool)), tool + " not installed (tshark, nftables, curl, python3)");
    }
    assumeTrue(Files.exists(Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout")),
        "no netfilter conntrack in this kernel (the NAT namespace needs it)");
  }

  String ns(String role) {
    return prefix + role;
  }

  /** The namespace of our gateway. */
  String gatewayNs() {
    return ns(peerBehindNat ? "gwb" : "gwa");
  }

  /** The namespace of strongSwan (its harness instance has the same name). */
  String peerNs() {
    return ns(peerBehindNat ? "gwa" : "gwb");
  }

  private String captureInterface() {
    return peerBehindNat ? "out0" : "in0";
  }

  /** Namespaces, NAT timeouts, capture, strongSwan, then our gateway; returns once the gateway started. */
  NatSite start() throws Exception {
    namespaces = true;
    // without plain routes LAN-to-LAN traffic can only flow through the tunnel: a ping from lanb that
    // arrives at lana came through the NAT mapping, never around it
    script(Map.of(), "netns-up.sh", "--nat", "--no-plain-routes");
    for (String sysctl : List.of("net.netfilter.nf_conntrack_udp_timeout",
        "net.netfilter.nf_conntrack_udp_timeout_stream")) {
      exec(ns("nat"), "sysctl", "-qw", sysctl + "=" + NAT_UDP_TIMEOUT_SECONDS);
      assertEquals(String.valueOf(NAT_UDP_TIMEOUT_SECONDS), exec(ns("nat"), "sysctl", "-n", sysctl).strip(),
          sysctl + " in " + ns("nat"));
    }
    startCapture();
    if (peerBehindNat) {
      // DPD every 5 s: its requests are the authenticated IKE messages that show our gateway a remapped
      // port; strongSwan's own keepalives stay off, they are not authenticated and move nothing
      script(Map.of("LOCAL_ID", GATEWAY_WAN, "REMOTE_ID", PEER, "SECRET_ID_A", GATEWAY_WAN, "SECRET_ID_B", PEER,
          "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256", "KEEP_ALIVE", "0s", "DPD_DELAY", peerDpdDelay,
          "START_ACTION", "none"), "charon-start.sh", peerNs(), "ikev2-gcm");
    } else {
      script(Map.of("LOCAL_ID", PEER, "REMOTE_ID", GATEWAY_WAN, "SECRET_ID_A", GATEWAY_WAN, "SECRET_ID_B", PEER,
          "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256", "KEEP_ALIVE", "0s", "DPD_DELAY", "0s",
          "START_ACTION", "none"), "charon-start.sh", peerNs(), "ikev2-gcm");
    }
    startGateway();
    return this;
  }

  private void startCapture() throws Exception {
    Path err = run.resolve("dumpcap.log");
    capture = new ProcessBuilder("ip", "netns", "exec", ns("nat"), "dumpcap", "-q", "-i", captureInterface(), "-f",
        "udp port 4500", "-w", pcap.toString()).redirectErrorStream(true).redirectOutput(err.toFile()).start();
    // dumpcap says so once the filter is attached; a packet before that would be missed
    awaitFile(err, "Capturing on '" + captureInterface() + "'", 20);
  }

  private void startGateway() throws Exception {
    Path cfg = run.resolve("gateway.cfg");
    String text;
    try (InputStream in = NatSite.class.getResourceAsStream(
        peerBehindNat ? "/nat/gateway-outside-nat.cfg" : "/nat/gateway-behind-nat.cfg")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (keepaliveSeconds != null) {
      text = text.replace("\nend\n", "\ncrypto isakmp nat keepalive " + keepaliveSeconds + "\nend\n");
    }
    Files.writeString(cfg, text);
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", gatewayNs(),
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(io.ipsecmesh.gateway.JvmFlags.ALL);
    // the metrics port is the default one: each gateway has its own namespace, so its own loopback
    cmd.addAll(List.of("-Xmx320m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", String.valueOf(METRICS_PORT),
        "--api-file", run.resolve("api.json").toString()));
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    awaitFile(gatewayLog, "ipsec-mesh: started", 120);
  }

  /**
   * Pings lanb from lana until the tunnel carries the ping: the first packets only make the forwarder
   * ACQUIRE and ike-service negotiate (through the NAT: NAT-D mismatch, float to 4500).
   */
  void bringTunnelUp() throws Exception {
    boolean ok = false;
    for (int i = 0; i < 15 && !ok; i++) {
      ok = ping(ns("lana"), LAN_B_HOST, 1).contains(" 0% packet loss");
    }
    assertTrue(ok, prefix + ": no ping through the tunnel; gateway log:\n" + gatewayLog());
    // strongSwan sees our gateway behind the NAT (its outside address, port 4500 after the float); polled,
    // because charon may still be installing the Child SA when the first ping already got through
    String sas = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline && !establishedBehindNat(sas)) {
      sas = script(Map.of(), "sw.sh", peerNs(), "--list-sas");
    }
    assertTrue(establishedBehindNat(sas), prefix + ": strongSwan's SAs after the first ping:\n" + sas
        + "\ncharon.log (tail):\n" + tail(run.resolve(peerNs()).resolve("charon.log"), 60)
        + "\ngateway log (tail):\n" + tail(gatewayLog, 80));
  }

  /** The last {@code lines} lines of a log, for a failure message (empty if there is no such file). */
  private static String tail(Path log, int lines) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static boolean establishedBehindNat(String sas) {
    return sas.contains("ESTABLISHED") && sas.contains("INSTALLED") && sas.contains("@ " + NAT_OUTSIDE + "[");
  }

  /** {@code ping -c count} from one namespace; the whole output (its summary says what arrived). */
  String ping(String fromNs, String to, int count) throws Exception {
    return exec(fromNs, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "2", to);
  }

  /**
   * strongSwan (behind the NAT) initiates its Child SA {@code net}; then LAN A pings LAN B until the tunnel carries
   * (our forwarder installs the SA a moment after strongSwan reports it: the first echo may find none).
   */
  void peerInitiatesAndTheTunnelCarries() throws Exception {
    String init = script(Map.of(), "sw.sh", peerNs(), "--initiate", "--child", "net", "--timeout", "30");
    assertTrue(init.contains("initiate completed successfully"), init + "\ngateway log:\n" + gatewayLog());
    boolean carried = false;
    for (int i = 0; i < 10 && !carried; i++) {
      carried = ping(ns("lana"), LAN_B_HOST, 1).contains(" 0% packet loss");
    }
    assertTrue(carried, "no ping through the tunnel; gateway log:\n" + gatewayLog());
  }

  /** The peer port of our gateway's Child SA ({@code current_peer … port P} of {@code show crypto ipsec sa}). */
  int currentPeerPort() throws Exception {
    String sa = show("show crypto ipsec sa");
    Matcher m = CURRENT_PEER.matcher(sa);
    assertTrue(m.find(), sa);
    return Integer.parseInt(m.group(1));
  }

  /** The port the NAT maps our gateway's 4500 to, as strongSwan sees it ({@code remote … @ 172.31.255.1[P]}). */
  int mappedPort() throws Exception {
    String sas = script(Map.of(), "sw.sh", peerNs(), "--list-sas");
    Matcher m = Pattern.compile("@ " + Pattern.quote(NAT_OUTSIDE) + "\\[(\\d+)]").matcher(sas);
    assertTrue(m.find(), sas);
    return Integer.parseInt(m.group(1));
  }

  /**
   * {@code count} NAT keepalives (RFC 3948 §2.3: one byte 0xFF) from strongSwan's address and port 4500 to
   * the mapped port, through the NAT: a raw socket, because charon owns port 4500 there and sends none.
   */
  void injectPeerKeepalives(int count) throws Exception {
    String py = "import socket,struct,sys\n"
        + "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_UDP)\n"
        + "p=struct.pack('!HHHH',4500,int(sys.argv[2]),9,0)+b'\\xff'\n"
        + "for _ in range(int(sys.argv[3])): s.sendto(p,(sys.argv[1],0))\n";
    String out = exec(ns("gwb"), "python3", "-c", py, NAT_OUTSIDE, String.valueOf(mappedPort()),
        String.valueOf(count));
    assertTrue(out.isBlank(), out);
  }

  /**
   * The NAT forgets its mappings and hands out other ports from now on, as a NAT that rebooted or ran out
   * of its table would: UDP is masqueraded into a port range, and the conntrack table is flushed over
   * ctnetlink (IPCTNL_MSG_CT_DELETE without a tuple), because this machine has no conntrack tool.
   */
  void remapNat(String portRange) throws Exception {
    exec(ns("nat"), "nft", "flush", "chain", "ip", "interop_nat", "postrouting");
    String rule = exec(ns("nat"), "nft", "add", "rule", "ip", "interop_nat", "postrouting", "oifname", "out0",
        "meta", "l4proto", "udp", "masquerade", "to", ":" + portRange); // a port range needs the protocol
    assertTrue(rule.isBlank(), rule);
    String py = "import socket,struct\n"
        + "s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,12)\n" // NETLINK_NETFILTER
        + "b=struct.pack('=BBH',socket.AF_INET,0,0)\n" // nfgenmsg
        + "s.send(struct.pack('=IHHII',16+len(b),(1<<8)|2,0x5,1,0)+b)\n" // CTNETLINK DELETE, REQUEST|ACK
        + "r=s.recv(4096)\n"
        + "print('flushed' if struct.unpack('=i',r[16:20])[0]==0 else 'error')\n";
    String out = exec(ns("nat"), "python3", "-c", py);
    assertEquals("flushed", out.strip(), out);
  }

  /** An exec command through the management API of the gateway (curl inside its namespace). */
  String show(String command) throws Exception {
    JsonObject api = new JsonObject(Files.readString(run.resolve("api.json")));
    return exec(gatewayNs(), "curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + api.getString("token"),
        "--data", command, api.getString("url") + "/exec");
  }

  /** A Prometheus counter of the gateway, summed over its label sets (0 when it has no sample yet). */
  long metric(String name) throws Exception {
    String text = exec(gatewayNs(), "curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + METRICS_PORT + "/metrics");
    assertTrue(text.contains("# TYPE " + name), name + " not exported:\n" + text);
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:_total)?(?:\\{[^}]*})? (\\S+)$").matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return Math.round(sum);
  }

  /** The NAT's UDP conntrack entries towards strongSwan's 4500 (the mapping), one line each. */
  List<String> natMappings() throws Exception {
    return exec(ns("nat"), "cat", "/proc/net/nf_conntrack").lines()
        .filter(l -> l.contains(" udp ") && l.contains("dst=" + PEER) && l.contains("dport=4500")).toList();
  }

  boolean gatewayExited(long waitMillis) throws InterruptedException {
    return gateway.waitFor(waitMillis, TimeUnit.MILLISECONDS);
  }

  String gatewayLog() throws IOException {
    return Files.exists(gatewayLog) ? Files.readString(gatewayLog) : "";
  }

  /** One captured UDP-4500 datagram on the NAT's inside or outside interface. */
  record Datagram(double epochSeconds, String source, int destinationPort, int udpLength) {
    boolean keepalive() {
      return udpLength == 9; // 8-byte UDP header + the one byte 0xFF
    }
  }

  /** Stops the capture (dumpcap closes its file on SIGTERM) and reads every datagram of it. */
  List<Datagram> stopCapture() throws Exception {
    capture.destroy();
    assertTrue(capture.waitFor(15, TimeUnit.SECONDS), "dumpcap did not stop");
    String fields = capture(List.of("tshark", "-r", pcap.toString(), "-T", "fields", "-E", "separator=,",
        "-e", "frame.time_epoch", "-e", "ip.src", "-e", "udp.dstport", "-e", "udp.length"), Map.of());
    List<Datagram> out = new ArrayList<>();
    for (String line : fields.lines().toList()) {
      String[] f = line.split(",");
      if (f.length == 4 && f[0].matches("[0-9.]+")) {
        out.add(new Datagram(Double.parseDouble(f[0]), f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
      }
    }
    return out;
  }

  /** Gateway and capture by their PIDs, then the harness: charon by its recorded PID, the namespaces. */
  void close() throws Exception {
    for (Process p : new Process[] {gateway, capture}) {
      if (p != null && p.isAlive()) {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    if (namespaces) {
      script(Map.of(), "netns-down.sh"); // stops this site's charon by its PID, deletes its namespaces
    }
  }

  String exec(String netns, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    cmd.addAll(List.of(command));
    return capture(cmd, Map.of());
  }

  String script(Map<String, String> env, String name, String... args) throws Exception {
    return StrongswanHarness.script(run, prefix, env, name, args);
  }

  static String capture(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    return Sh.capture(cmd, env);
  }

  static void awaitFile(Path file, String text, int seconds) throws Exception {
    LogWatch.await(file, text, seconds);
  }
}

package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gateway of the demo as its own JVM ({@code ipsec-mesh run}) on a loopback address: its own Hazelcast
 * cluster, IKE on an unprivileged port, ESP-in-UDP on ADDRESS:4500, and instead of a TUN interface the
 * forwarder's UDP inner port on ADDRESS:{@value #LAN_PORT}, whose decapsulated packets go to the demo's
 * {@link DemoLan} socket. Nothing needs root.
 */
final class DemoSite {

  /** Every site's IKE socket: one unprivileged port on each loopback address, so peers find each other. */
  static final int IKE_PORT = 10500;
  /** The forwarder's inner UDP port on the site's address (the site's "LAN" side). */
  static final int LAN_PORT = 4600;
  private static final long START_TIMEOUT_MILLIS = 120_000;

  final String name;
  final String address;
  final Path apiFile;
  final Path log;
  private final String resource;
  private final int clusterPort;
  private final Path config;
  private Process process;
  private long logOffset;

  DemoSite(String name, String address, String resource, int clusterPort, Path dir) {
    this.name = name;
    this.address = address;
    this.resource = resource;
    this.clusterPort = clusterPort;
    this.config = dir.resolve(name + ".cfg");
    this.apiFile = dir.resolve(name).resolve("api.json");
    this.log = dir.resolve(name + ".log");
  }

  /** Starts the JVM; {@code lanPeer} (HOST:PORT) receives what the site decapsulates. */
  void start(String lanPeer) throws DemoFailure {
    try (InputStream in = DemoSite.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new DemoFailure("the gateway jar lacks " + resource);
      }
      Files.write(config, in.readAllBytes());
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1"));
      cmd.addAll(JvmFlags.ALL);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
          "--config", config.toString(), "--api-port", "0", "--api-file", apiFile.toString(),
          "--metrics-port", "0",
          // a cluster of its own per site: the gateways are VPN peers, not one gateway
          "--cluster-name", "demo-" + name + "-" + ProcessHandle.current().pid(),
          "--cluster-port", Integer.toString(clusterPort), "--members", "127.0.0.1:" + clusterPort,
          "--ike-bind-address", address, "--ike-port", Integer.toString(IKE_PORT),
          "--ike-peer-port", Integer.toString(IKE_PORT),
          // no raw ESP socket without root: ESP always rides UDP 4500, as behind a NAT
          "--ike-force-encap", "true",
          "--bindAddress", address, "--port", "4500", "--rawEsp", "off",
          "--innerPort", "udp", "--innerUdpBind", address + ":" + LAN_PORT, "--innerUdpPeer", lanPeer));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new DemoFailure("cannot start " + name + ": " + e.getMessage());
    }
  }

  void awaitStarted() throws DemoFailure {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new DemoFailure(name + " exited with status " + process.exitValue() + ":\n" + tail());
      }
      if (Files.exists(apiFile) && tail().contains("ipsec-mesh: started ")) {
        return;
      }
      try {
        // a CLI waiting for a child process: polling its log is the simplest honest signal
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoFailure("interrupted");
      }
    }
    throw new DemoFailure(name + " did not start within " + START_TIMEOUT_MILLIS / 1000 + " s:\n" + tail());
  }

  /** One exec command through the site's management API; the IOS output (or the refusal text). */
  String exec(String command) throws DemoFailure {
    return post("/exec", command);
  }

  String post(String path, String body) throws DemoFailure {
    try {
      return ApiClient.fromFile(apiFile).post(path, body).body();
    } catch (ApiClient.ApiUnavailable e) {
      throw new DemoFailure(name + ": " + e.getMessage());
    }
  }

  /** Log lines written since the last call (whole lines only). */
  List<String> newLogLines() {
    List<String> lines = new ArrayList<>();
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      if (f.length() <= logOffset) {
        return lines;
      }
      byte[] b = new byte[(int) (f.length() - logOffset)];
      f.seek(logOffset);
      f.readFully(b);
      int start = 0;
      for (int i = 0; i < b.length; i++) {
        if (b[i] == '\n') {
          lines.add(new String(b, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      logOffset += start;
    } catch (IOException e) {
      // the log is gone (work directory removed): nothing new to show
    }
    return lines;
  }

  /** SIGSTOP: the JVM stays, but answers nothing any more (a hub that hangs, or a cut cable). */
  void silence() throws DemoFailure {
    signal("STOP");
  }

  private void signal(String name) throws DemoFailure {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new DemoFailure("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new DemoFailure("kill -" + name + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted");
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the JVM (resumed first: a stopped process does not act on SIGTERM); forcibly after 20 s. */
  void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      signal("CONT");
    } catch (DemoFailure e) {
      // it may have exited meanwhile; destroy below is what matters
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Last resort from a shutdown hook (Ctrl-C): no waiting. */
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}

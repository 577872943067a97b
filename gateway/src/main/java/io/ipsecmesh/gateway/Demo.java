package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ipsec-mesh demo}: two gateways as two JVMs on loopback (site A 127.0.0.1, site B 127.0.0.2,
 * each its own Hazelcast cluster), each with a seed-style configuration pointing at the other; then
 * the {@code show} commands on both, and a configuration with errors offered to site A to show that
 * it is refused with {@code FILE:LINE: message} while the good one stays. Both gateways are stopped
 * at the end; their logs stay in the printed directory.
 */
final class Demo {

  private static final long START_TIMEOUT_MILLIS = 120_000;
  private static final List<String> COMMANDS = List.of("show crypto isakmp sa", "show crypto ipsec sa",
      "show crypto session");

  private Demo() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ipsec-mesh-demo-");
    } catch (IOException e) {
      err.println("ipsec-mesh demo: cannot create a work directory: " + e.getMessage());
      return 1;
    }
    List<Site> sites = List.of(new Site("site-a", "127.0.0.1", "demo-site-a.cfg", 5801, dir),
        new Site("site-b", "127.0.0.2", "demo-site-b.cfg", 5821, dir));
    out.println("ipsec-mesh demo: two gateways on loopback, work directory " + dir);
    try {
      for (Site s : sites) {
        s.start();
      }
      for (Site s : sites) {
        s.awaitStarted();
        out.println(s.name + ": started (" + s.log + ")");
      }
      for (Site s : sites) {
        for (String command : COMMANDS) {
          out.println();
          out.println(s.name + "# " + command);
          Main.call(s.apiFile, "/exec", command, out, out);
        }
      }
      out.println();
      out.println("site-a: config apply of a configuration with errors (keepalive out of range, DES):");
      Main.call(sites.getFirst().apiFile, "/config?name=broken.cfg",
          "crypto isakmp keepalive 5\ncrypto ipsec transform-set old esp-des esp-sha-hmac\n", out, out);
      out.println();
      out.println("site-a# show running-config   (unchanged)");
      Main.call(sites.getFirst().apiFile, "/exec", "show running-config", out, out);
      return 0;
    } catch (DemoFailure e) {
      err.println("ipsec-mesh demo: " + e.getMessage());
      return 1;
    } finally {
      for (Site s : sites) {
        s.stop();
      }
    }
  }

  private static final class DemoFailure extends Exception {
    DemoFailure(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Site {
    final String name;
    final String address;
    final String resource;
    final int clusterPort;
    final Path config;
    final Path apiFile;
    final Path log;
    Process process;

    Site(String name, String address, String resource, int clusterPort, Path dir) {
      this.name = name;
      this.address = address;
      this.resource = resource;
      this.clusterPort = clusterPort;
      this.config = dir.resolve(name + ".cfg");
      this.apiFile = dir.resolve(name).resolve("api.json");
      this.log = dir.resolve(name + ".log");
    }

    void start() throws DemoFailure {
      try (InputStream in = Demo.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new DemoFailure("the gateway jar lacks " + resource);
        }
        Files.write(config, in.readAllBytes());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JvmFlags.ALL);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
            "--config", config.toString(), "--api-port", "0", "--api-file", apiFile.toString(),
            "--metrics-port", "0",
            // a cluster of its own per site: the two gateways are VPN peers, not one gateway
            "--cluster-name", "demo-" + name + "-" + ProcessHandle.current().pid(),
            "--cluster-port", Integer.toString(clusterPort), "--members", "127.0.0.1:" + clusterPort,
            // two gateways on one host: each its own IKE (500) and ESP-in-UDP (4500) socket address and TUN
            "--ike-bind-address", address, "--bindAddress", address, "--tunName", "ipsec-" + name));
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

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    void stop() {
      if (process == null) {
        return;
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
  }
}

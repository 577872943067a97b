package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.testsupport.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ipsec-mesh run} as its own JVM with every service of the build: all five verticles start
 * together on one embedded member, and {@code ipsec-mesh exec} answers from it. Unprivileged ports and
 * no TUN, so it runs without root.
 */
class GatewayProcessTest {

  @TempDir
  Path dir;

  @Test
  void everyServiceStartsInOneJvmAndExecAnswers() throws Exception {
    Path apiFile = dir.resolve("api.json");
    int cluster = freeTcpPort();
    try (ChildJvm gateway = ChildJvm.start("gateway", JvmFlags.ALL, io.ipsecmesh.gateway.Main.class, "run",
        "--api-port", "0", "--api-file", apiFile.toString(), "--metrics-port", "0",
        "--cluster-name", "it-gw-" + UUID.randomUUID(), "--cluster-port", Integer.toString(cluster),
        "--members", "127.0.0.1:" + cluster,
        "--ike-bind-address", "127.0.0.1", "--ike-port", Integer.toString(freeUdpPort()),
        "--bindAddress", "127.0.0.1", "--port", Integer.toString(freeUdpPort()), "--innerPort", "none")) {
      String started = gateway.await(l -> l.startsWith("ipsec-mesh: started ") || l.startsWith("ipsec-mesh: cannot start")
          || l.startsWith("ipsec-mesh: not in this build"), Duration.ofSeconds(120), "start");
      assertEquals("ipsec-mesh: started io.ipsecmesh.config.ConfigVerticle, io.ipsecmesh.ike.IkeVerticle, "
          + "io.ipsecmesh.dpd.DpdVerticle, io.ipsecmesh.esp.EspForwarderVerticle, io.ipsecmesh.natk.NatKeepaliveVerticle",
          started);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = io.ipsecmesh.gateway.Main.run(new String[] {"exec", "--api-file", apiFile.toString(),
          "show", "running-config"}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("crypto map vpnmap 10 ipsec-isakmp"), out.toString());
    }
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.Sh;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two gateways with manual keys and {@code no crypto ipsec nat-transparency udp-encapsulation}: ESP
 * travels as IP protocol 50 through the forwarders' raw sockets. A capture on gwb's WAN interface
 * shows protocol 50 and no UDP.
 */
class RawEspNetnsTest extends TwoGatewayNetnsTest {
  @Override
  String kind() {
    return "r";
  }

  @Test
  @Order(3)
  void onTheWireItIsIpProtocol50() throws Exception {
    assumeTrue(Sh.have("tshark"), "tshark not installed");
    Process capture = new ProcessBuilder(Sh.inNs(gwb, "timeout", "20", "tshark", "-l", "-n", "-i", "wan0", "-c", "4",
        "-f", "ip proto 50 or udp", "-T", "fields", "-e", "ip.proto")).start();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(capture.getErrorStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          if (line.startsWith("Capturing on")) {
            listening.complete(null);
          }
        }
      } catch (java.io.IOException e) {
        listening.completeExceptionally(e);
      }
    });
    listening.get(20, TimeUnit.SECONDS);
    Sh.Result ping = Sh.run(20, Sh.inNs(lana, "ping", "-c", "4", "-i", "0.3", "-W", "2", HOST_B).toArray(String[]::new));
    assertTrue(ping.ok(), ping.output());
    // 8 tunnel packets for 4 echo requests and replies: the first 4 the capture sees are enough
    assertTrue(capture.waitFor(20, TimeUnit.SECONDS), "capture did not see 4 packets");
    String[] protocols = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
        .split("\\s+");
    assertEquals(4, protocols.length, String.join(",", protocols));
    for (String p : protocols) {
      assertEquals("50", p, "every tunnel packet is raw ESP");
    }
  }
}

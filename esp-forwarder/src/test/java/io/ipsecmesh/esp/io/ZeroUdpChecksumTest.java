package io.ipsecmesh.esp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed (IPsec NAT Transparency, "Incompatibility Between Checksums and NAT Resolved"): "In the new UDP
 * header, the checksum value is always assigned to zero" (RFC 3948 §2.1). Two forwarders with their default
 * options exchange ESP-in-UDP on loopback (manual keys); tshark on {@code lo} reads the UDP checksum of
 * every ESP packet A sends: 0x0000, in a batch of several packets too. With {@code udpChecksum computed} the
 * checksum is there (and UDP GSO batches). Needs root for the capture; skipped with the reason otherwise.
 */
class ZeroUdpChecksumTest {

  private static final String A = "127.0.0.97";
  private static final String B = "127.0.0.98";
  private Vertx va;
  private Vertx vb;

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {va, vb}) {
      if (v != null) {
        v.close().await(20, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean root() throws Exception {
    Process p = new ProcessBuilder("id", "-u").start();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
  }

  private static EspForwarderVerticle deploy(Vertx v, InProcessPacketPort port, JsonObject cfg) throws Exception {
    BusCodecs.register(v);
    EspForwarderVerticle f = new EspForwarderVerticle(port);
    v.deployVerticle(f, new DeploymentOptions().setConfig(cfg)).await(20, TimeUnit.SECONDS);
    return f;
  }

  private static void await(Vertx v, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = v.setPeriodic(10, t -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(20, TimeUnit.SECONDS);
    } finally {
      v.cancelTimer(timer);
    }
  }

  /** The UDP checksums of the ESP packets A sends to B while {@code traffic} runs (at most 8, 20 s). */
  private List<String> checksums(JsonObject optionsA, int packets) throws Exception {
    va = Vertx.vertx();
    vb = Vertx.vertx();
    InProcessPacketPort portA = new InProcessPacketPort("a");
    InProcessPacketPort portB = new InProcessPacketPort("b");
    EspForwarderVerticle fa = deploy(va, portA, optionsA.put("bindAddress", A).put("port", 4500)
        .put("forwarderId", "fwd-csum-a"));
    EspForwarderVerticle fb = deploy(vb, portB, new JsonObject().put("bindAddress", B).put("port", 4500)
        .put("forwarderId", "fwd-csum-b"));
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        new ConfigMessages.ConfigChanged(1, ManualKeyConfigs.gatewayA(A, B, "10.91.13.0", "10.91.14.0")));
    vb.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        new ConfigMessages.ConfigChanged(1, ManualKeyConfigs.gatewayB(B, A, "10.91.14.0", "10.91.13.0")));
    await(va, () -> fa.dataPlane().sad().pairs().size() == 1 && fb.dataPlane().sad().pairs().size() == 1);

    Process tshark = new ProcessBuilder("tshark", "-i", "lo", "-n", "-l", "-c", String.valueOf(packets),
        "-a", "duration:20", "-f", "udp and src host " + A + " and dst host " + B + " and dst port 4500",
        "-T", "fields", "-e", "udp.checksum").redirectError(ProcessBuilder.Redirect.PIPE).start();
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(tshark.getErrorStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = err.readLine()) != null && !line.contains("Capture started")) {
        // wait until the capture runs
      }
      byte[][] sent = new byte[packets][];
      for (int i = 0; i < packets; i++) {
        sent[i] = Packets.udp4(new int[] {10, 91, 13, 5}, new int[] {10, 91, 14, 5}, 1, 9000 + i, 200 + i);
        portA.inject(sent[i]); // back to back: the forwarder batches what it finds queued
      }
      for (int i = 0; i < packets; i++) {
        assertArrayEquals(sent[i], portB.poll(10_000), "packet " + i + " crossed the tunnel");
      }
      assertTrue(tshark.waitFor(25, TimeUnit.SECONDS), "tshark ended");
      List<String> out = new ArrayList<>();
      new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().forEach(out::add);
      return out;
    } finally {
      tshark.destroyForcibly();
    }
  }

  @Test
  void espInUdpLeavesWithChecksumZeroByDefault() throws Exception {
    assumeTrue(root(), "capturing on lo needs root");
    List<String> sums = checksums(new JsonObject(), 6);
    assertEquals(List.of("0x0000", "0x0000", "0x0000", "0x0000", "0x0000", "0x0000"), sums);
  }

  @Test
  void computedWhenConfiguredSo() throws Exception {
    assumeTrue(root(), "capturing on lo needs root");
    List<String> sums = checksums(new JsonObject().put("udpChecksum", "computed"), 3);
    assertEquals(3, sums.size(), sums.toString());
    assertTrue(sums.stream().noneMatch("0x0000"::equals), sums.toString());
  }
}

package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.RunningService;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayRunnerTest {

  @TempDir
  Path dir;

  @Test
  void runsTheEmbeddedDefaultOnAnEmbeddedMemberAndAnswersExecFromTheClusterMaps() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path apiFile = dir.resolve("api.json");
    LaunchOptions options = LaunchOptions.defaults()
        .withClusterName("gateway-test-" + UUID.randomUUID())
        .withServiceConfig(new JsonObject().put("api-port", "0").put("api-file", apiFile.toString()));
    // config-service only: the other services bind sockets and TUN, which a unit test must not need
    try (RunningService running = GatewayRunner.start(options,
            List.of("io.ipsecmesh.config.ConfigVerticle", "io.ipsecmesh.nowhere.GhostVerticle"),
            new PrintStream(log, true, StandardCharsets.UTF_8))
        .await(90, TimeUnit.SECONDS)) {
      String l = log.toString(StandardCharsets.UTF_8);
      assertTrue(l.contains("not in this build, not started: io.ipsecmesh.nowhere.GhostVerticle"), l);
      assertTrue(l.contains("running the embedded default configuration"), l);
      assertNotNull(Cluster.hazelcast(running.vertx()), "the gateway runs on an embedded Hazelcast member");
      assertEquals("1", Cluster.hazelcast(running.vertx()).getMap(SharedMaps.CONFIG).get(ConfigMessages.VERSION_KEY));

      ConfigChanged active = running.vertx().eventBus()
          .<ConfigChanged>request(ConfigMessages.CONFIG_GET, new ConfigMessages.GetConfig("test"))
          .await(10, TimeUnit.SECONDS).body();
      assertNotNull(active.config().cryptoMapEntry("vpnmap", 10));

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = Main.call(apiFile, "/exec", "show crypto isakmp sa",
          new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
      assertEquals(0, status);
      assertEquals("  f_vrf/i_vrf  dst          src          state      conn-id slot\n",
          out.toString(StandardCharsets.UTF_8));

      // SA state as ike-service and the forwarder leave it in the Hazelcast maps
      ChildSa sa = new ChildSa("ike-1", 5123, "vpnmap", 10, 0x249C5062L, 0x7AA69CB7L, EspTransform.AES_GCM_256,
          ChildSa.Mode.TUNNEL, false, false, 128, "192.0.2.1", 500, "192.0.2.2", 500,
          List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255")),
          List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.255.255")),
          new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "clear", new byte[0], new byte[0],
          System.currentTimeMillis());
      var hz = Cluster.hazelcast(running.vertx());
      hz.getMap(SharedMaps.CHILD_SAS).put(sa.key(), RecordJson.toJson(sa).encode());
      hz.getMap(SharedMaps.SA_COUNTERS).put(sa.key(), RecordJson.toJson(new SaCounters("fwd-1", 5123, "vpnmap", 10,
          "192.0.2.1", "192.0.2.2", 500, "esp-gcm 256", sa.inboundSpi(), sa.outboundSpi(), 10, 10, 10, 9, 9, 9,
          14_000, 12_600, 0, 1, 1, 0, 0, 4_537_831, 3_595, System.currentTimeMillis())).encode());
      String show = showOnceWritten(apiFile, "show crypto ipsec sa peer 192.0.2.2");
      assertTrue(show.startsWith("interface: GigabitEthernet0/0\n  Crypto map tag: vpnmap, local addr. 192.0.2.1\n"),
          show);
      assertTrue(show.contains("  local ident (addr/mask/prot/port): (10.1.0.0/255.255.0.0/0/0)\n"), show);
      assertTrue(show.contains("    #pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10\n"), show);
      assertTrue(show.contains("    #pkts decaps: 9, #pkts decrypt: 9, #pkts verify: 9\n"), show);
      assertTrue(show.contains("    spi: 0x249C5062(614223970)\n"), show);
      assertTrue(show.contains("      sa timing: remaining key lifetime (k/sec): (4537831/359"), show);
    }
  }

  /**
   * The command's output once it lists what was just written: the show tables follow the SA maps' entry events, which
   * Hazelcast delivers asynchronously (milliseconds after the put), so the first command may still answer empty.
   */
  private static String showOnceWritten(Path apiFile, String command) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(0, Main.call(apiFile, "/exec", command, new PrintStream(out, true, StandardCharsets.UTF_8),
          System.err));
      String show = out.toString(StandardCharsets.UTF_8);
      if (!show.isEmpty() || System.nanoTime() > deadline) {
        return show;
      }
      Thread.sleep(50);
    }
  }
}

package io.ipsecmesh.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
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
  void runsTheEmbeddedDefaultOnAnEmbeddedMemberAndAnswersExec() throws Exception {
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
    }
  }
}

package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.testsupport.ChildJvm;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config-service and a consumer as two JVMs on loopback, one Hazelcast cluster: the consumer joins
 * after the configuration was published and gets it with {@code config.get}; a configuration posted
 * to the management API then reaches it over the clustered event bus; an invalid one never does.
 */
class ClusteredConfigDistributionTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration DELIVERY = Duration.ofSeconds(20);

  private static final String CONFIG = """
      crypto isakmp policy 10
       encryption aes 256
       hash sha256
       authentication pre-share
       group 14
      crypto isakmp key it-key address 192.0.2.2
      crypto isakmp keepalive 10 2 on-demand
      crypto ipsec transform-set strong esp-gcm 256
      crypto map it 10 ipsec-isakmp
       set peer 192.0.2.2
       set transform-set strong
       match address 101
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
       crypto map it
      access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
      """;

  @TempDir
  Path dir;

  @Test
  void aConfigurationChangeReachesAServiceInAnotherJvm() throws Exception {
    Path file = dir.resolve("gateway.cfg");
    Files.writeString(file, CONFIG);
    Path apiFile = dir.resolve("api.json");
    int configPort = freePort();
    int probePort = freePort();
    String members = "127.0.0.1:" + configPort + ",127.0.0.1:" + probePort;
    String cluster = "it-" + UUID.randomUUID();
    // every member of one cluster holds the same KEK file (a lone service refuses to start without one)
    String kek = dir.resolve("kek").toString();
    assertEquals(0, io.ipsecmesh.gateway.Main.run(new String[] {"kek", "init", kek}, System.out, System.err));
    // and a certificate of the cluster CA for the event bus's mutual TLS
    Path tls = dir.resolve("tls");
    assertEquals(0, io.ipsecmesh.gateway.Main.run(new String[] {"tls", "init", "--kek-file", kek, tls.toString(), "config",
        "probe"}, System.out, System.err));

    try (ChildJvm config = ChildJvm.start("config-service", JvmFlags.ALL, io.ipsecmesh.config.Main.class,
        "--config", file.toString(), "--kek-file", kek, "--tls-keystore",
        tls.resolve("config/member.p12").toString(), "--tls-ca", tls.resolve("config/ca.pem").toString(),
        "--api-port", "0", "--api-file", apiFile.toString(),
        "--cluster-name", cluster, "--cluster-port", Integer.toString(configPort), "--members", members)) {
      config.await(l -> l.contains("management API on "), START, "management API");

      try (ChildJvm probe = ChildJvm.start("probe", JvmFlags.ALL, ProbeMain.class, "--kek-file", kek,
          "--tls-keystore", tls.resolve("probe/member.p12").toString(), "--tls-ca", tls.resolve("probe/ca.pem").toString(),
          "--cluster-name", cluster, "--cluster-port", Integer.toString(probePort), "--members", members)) {
        assertEquals("probe: config.get version 1 keepalive 10",
            probe.await(l -> l.startsWith("probe: config."), START, "config.get reply"));

        JsonObject api = new JsonObject(Files.readString(apiFile));
        HttpResponse<String> refused = post(api, CONFIG.replace("keepalive 10 2", "keepalive 5 2"));
        assertEquals(422, refused.statusCode(), refused.body());
        assertTrue(refused.body().startsWith("it.cfg:7: crypto isakmp keepalive: seconds must be 10-3600"),
            refused.body());

        HttpResponse<String> applied = post(api, CONFIG.replace("keepalive 10 2", "keepalive 30 2"));
        assertEquals(200, applied.statusCode(), applied.body());
        // the refused text was never published: the next line the probe prints is version 2
        assertEquals("probe: config.changed version 2 keepalive 30",
            probe.await(l -> l.startsWith("probe: config."), DELIVERY, "config.changed"));
      }
    }
  }

  private static HttpResponse<String> post(JsonObject api, String text) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.getString("url") + "/config?name=it.cfg"))
            .header("Authorization", "Bearer " + api.getString("token"))
            .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

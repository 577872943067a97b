package io.ipsecmesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.ConfigMessages.GetConfig;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config-service in one non-clustered Vert.x: shared maps are then Vert.x local maps ({@link Cluster#map}). */
class ConfigVerticleTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private ConfigVerticle verticle;
  private Path file;
  private Path apiFile;
  private String url;
  private String token;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    file = dir.resolve("gateway.cfg");
    apiFile = dir.resolve("state/api.json");
    Files.writeString(file, TestConfigs.SITE_A);
    verticle = new ConfigVerticle();
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject()
        .put("config", file.toString()).put("watch-ms", "50").put("api-port", "0")
        .put("api-file", apiFile.toString()))).await(20, TimeUnit.SECONDS);
    JsonObject api = new JsonObject(Files.readString(apiFile));
    url = api.getString("url");
    token = api.getString("token");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void startupStoresTheFileInTheSharedMapAndAnswersConfigGet() throws Exception {
    ConfigChanged reply = vertx.eventBus().<ConfigChanged>request(ConfigMessages.CONFIG_GET, new GetConfig("test"))
        .await(10, TimeUnit.SECONDS).body();
    assertEquals(1, reply.version());
    assertNotNull(reply.config().cryptoMapEntry("testtag1", 10));
    var map = Cluster.map(vertx, SharedMaps.CONFIG);
    assertEquals("1", map.get(ConfigMessages.VERSION_KEY));
    assertTrue(map.get(SharedMaps.ACTIVE).contains("crypto map testtag1 10 ipsec-isakmp"), map.get(SharedMaps.ACTIVE));
    assertEquals(reply.config(), RecordJson.fromJson(new JsonObject(map.get(ConfigMessages.MODEL_KEY)),
        reply.config().getClass()));
  }

  @Test
  void editedFileIsPublishedButAnInvalidEditNeverReplacesTheGoodConfiguration() throws Exception {
    Promise<ConfigChanged> changed = Promise.promise();
    vertx.eventBus().<ConfigChanged>consumer(ConfigMessages.CONFIG_CHANGED, m -> changed.tryComplete(m.body()));
    double rejectedBefore = ConfigMetrics.INSTANCE.rejected.get();

    Files.writeString(file, TestConfigs.INVALID);
    await(() -> ConfigMetrics.INSTANCE.rejected.get() > rejectedBefore);
    assertFalse(changed.future().isComplete(), "an invalid file must not be published");
    assertEquals(1, verticle.active().version());

    Files.writeString(file, TestConfigs.SITE_A_KEEPALIVE_30);
    ConfigChanged c = changed.future().await(10, TimeUnit.SECONDS);
    assertEquals(2, c.version());
    assertEquals(30, c.config().isakmpKeepalive().seconds());
    assertEquals(2, verticle.active().version());
  }

  @Test
  void apiRequiresTheBearerTokenAndTheTokenFileIsPrivate() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/exec"))
        .POST(HttpRequest.BodyPublishers.ofString("show running-config")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode());
    assertEquals("% missing Authorization: Bearer token\n", r.body());
    r = http.send(HttpRequest.newBuilder(URI.create(url + "/exec")).header("Authorization", "Bearer nope")
        .POST(HttpRequest.BodyPublishers.ofString("show running-config")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(apiFile)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(apiFile.getParent())));
    assertTrue(url.startsWith("http://127.0.0.1:"), url);
  }

  @Test
  void showRunningConfigAndInvalidInput() throws Exception {
    HttpResponse<String> r = exec("show running-config");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith("Building configuration...\n\nCurrent configuration : "), r.body());
    assertTrue(r.body().contains("crypto map testtag1 10 ipsec-isakmp\n"), r.body());

    r = exec("show crypto bogus");
    assertEquals(400, r.statusCode());
    assertEquals("show crypto bogus\n            ^\n% Invalid input detected at '^' marker.\n", r.body());
  }

  @Test
  void showCryptoIpsecSaReadsTheChildSaMap() throws Exception {
    ChildSa sa = new ChildSa("ike-1", 5123, "testtag1", 10, 0x249C5062L, 0x7AA69CB7L, EspTransform.AES_GCM_256,
        ChildSa.Mode.TUNNEL, true, false, 64, "10.1.1.1", 4500, "10.2.2.2", 4500,
        List.of(TrafficSelector.anyPorts("10.0.0.1", "10.0.0.1")), List.of(TrafficSelector.anyPorts("10.0.2.2", "10.0.2.2")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        System.currentTimeMillis());
    Cluster.map(vertx, SharedMaps.CHILD_SAS).put(sa.key(), RecordJson.toJson(sa).encode());

    HttpResponse<String> r = exec("sh cry ips sa peer 10.2.2.2");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith("interface: FastEthernet0/0\n  Crypto map tag: testtag1, local addr. 10.1.1.1\n"),
        r.body());
    assertTrue(r.body().contains("    spi: 0x249C5062(614223970)\n"), r.body());
    assertTrue(r.body().contains("      in use settings ={Tunnel UDP-Encaps, }\n"), r.body());
    assertTrue(r.body().contains("  current_peer: 10.2.2.2:4500\n"), r.body());
    assertEquals("", exec("show crypto ipsec sa peer 10.9.9.9").body());
  }

  @Test
  void showCryptoIsakmpSaReadsTheIkeSaMap() throws Exception {
    IkeSaSummary ike = new IkeSaSummary("ike-1", "10.2.2.2", "10.1.1.1", "READY", 1, "ACTIVE", "10.2.2.2", 2, 500,
        500, "initiator", 0);
    Cluster.map(vertx, SharedMaps.IKE_SAS).put(ike.ikeSaId(), RecordJson.toJson(ike).encode());
    HttpResponse<String> r = exec("show crypto isakmp sa");
    assertEquals("  f_vrf/i_vrf  dst          src          state      conn-id slot\n"
        + "  /           10.2.2.2    10.1.1.1    READY      1         0\n", r.body());
    assertTrue(exec("show crypto session").body().contains("Session status: UP-IDLE\nPeer: 10.2.2.2 port 500\n"));
  }

  /**
   * A long listing leaves in parts (one HTTP chunk each, {@code TextParts}), never as one array of its whole size: 2 000
   * peers make about 250 KB of {@code show crypto session}, which arrives whole, in order, without a Content-Length.
   */
  @Test
  void showCryptoSessionOfThousandsOfPeersArrivesWholeInParts() throws Exception {
    var ikeSas = Cluster.map(vertx, SharedMaps.IKE_SAS);
    for (int i = 0; i < 2_000; i++) {
      IkeSaSummary ike = new IkeSaSummary("ike-" + i, "10.7." + (i >> 8) + "." + (i & 255), "10.1.1.1", "READY", i,
          "ACTIVE", "peer-" + i, 2, 500, 500, "responder", 0);
      ikeSas.put(ike.ikeSaId(), RecordJson.toJson(ike).encode());
    }
    HttpResponse<String> r = exec("show crypto session");
    for (int attempt = 0; attempt < 200 && r.body().split("Session status: UP-IDLE", -1).length <= 2_000; attempt++) {
      r = exec("show crypto session"); // the followed rows catch up with the map's events
    }
    assertEquals(200, r.statusCode());
    // one answer in one buffer carries its Content-Length; parts go out as they come (HTTP/1.1 chunks)
    assertEquals(java.util.Optional.empty(), r.headers().firstValue("content-length"), "sent in parts: " + r.headers());
    assertTrue(r.body().length() > 128 * 1024, "more than one part: " + r.body().length());
    assertTrue(r.body().startsWith("Crypto session current status\n\nInterface: (none)\n"), r.body().substring(0, 80));
    assertEquals(2_000, r.body().split("Session status: UP-IDLE\n", -1).length - 1);
    assertTrue(r.body().contains("Peer: 10.7.7.207 port 500\n  IKEv2 SA: local 10.1.1.1/500 remote 10.7.7.207/500 Active\n"));
    assertTrue(r.body().endsWith("Active\n\n"), "ends with the last peer's block");
  }

  @Test
  void clearSessionAsksIkeServiceAndSaysSoWhenItIsNotRunning() throws Exception {
    HttpResponse<String> r = exec("clear crypto session");
    assertEquals(503, r.statusCode());
    assertEquals("% ike-service is not running: no session cleared\n", r.body());

    Promise<MgmtMessages.ClearSession> asked = Promise.promise();
    vertx.eventBus().<MgmtMessages.ClearSession>consumer(MgmtMessages.CLEAR_SESSION, m -> {
      asked.tryComplete(m.body());
      m.reply(new MgmtMessages.ClearSessionResult(1, 2));
    }).completion().await(5, TimeUnit.SECONDS);
    r = exec("clear crypto session remote 10.2.2.2");
    assertEquals(200, r.statusCode());
    assertEquals("", r.body());
    assertEquals("10.2.2.2", asked.future().await(5, TimeUnit.SECONDS).remoteAddress());
  }

  @Test
  void clearSessionByEndpointsAndPortsAndNoVrfButTheGlobalOne() throws Exception {
    Promise<MgmtMessages.ClearSession> asked = Promise.promise();
    vertx.eventBus().<MgmtMessages.ClearSession>consumer(MgmtMessages.CLEAR_SESSION, m -> {
      asked.tryComplete(m.body());
      m.reply(new MgmtMessages.ClearSessionResult(1, 1));
    }).completion().await(5, TimeUnit.SECONDS);
    HttpResponse<String> r = exec("clear crypto session local 10.1.32.14 port 500 remote 10.2.80.209 port 4500");
    assertEquals(200, r.statusCode());
    assertEquals(new MgmtMessages.ClearSession("10.2.80.209", 4500, "10.1.32.14", 500),
        asked.future().await(5, TimeUnit.SECONDS));
    r = exec("clear crypto session fvrf blue");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().startsWith("% VRF blue not configured"), r.body());
  }

  @Test
  void showLoggingHoldsTheIosLinesEveryServiceShipsOverTheBus() throws Exception {
    // what ServiceLauncher installs in every process; here the "ike-service" logs in this JVM
    io.ipsecmesh.proto.runtime.BusLogShipper shipper = io.ipsecmesh.proto.runtime.BusLogShipper.install(vertx);
    try {
      java.util.logging.Logger ike = java.util.logging.Logger.getLogger("io.ipsecmesh.ike.BusEvents");
      ike.info("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 10.2.2.2:500 Id: 10.2.2.2");
      ike.info("ike-service: an operational line, not for the log buffer");
      String out = "";
      for (int i = 0; i < 50 && !out.contains("%CRYPTO-5-SESSION_STATUS"); i++) {
        Thread.sleep(100);
        out = exec("show logging").body();
      }
      assertTrue(out.startsWith("Syslog logging: enabled"), out);
      assertTrue(out.contains("Log Buffer (8000 bytes):\n*"), out);
      assertTrue(out.contains(": %CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 10.2.2.2:500 Id: 10.2.2.2\n"),
          out);
      assertTrue(!out.contains("operational line"), out);
    } finally {
      shipper.uninstall();
    }
  }

  @Test
  void debugCryptoIkev2IsPublishedToo() throws Exception {
    Promise<MgmtMessages.Debug> heard = Promise.promise();
    vertx.eventBus().<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> heard.tryComplete(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    assertEquals("IKEv2 default debugging is on\n", exec("debug crypto ikev2").body());
    assertEquals(new MgmtMessages.Debug(MgmtMessages.Facility.IKEV2, true), heard.future().await(5, TimeUnit.SECONDS));
  }

  @Test
  void debugIsPublishedToEveryService() throws Exception {
    Promise<MgmtMessages.Debug> heard = Promise.promise();
    vertx.eventBus().<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> heard.tryComplete(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    HttpResponse<String> r = exec("debug crypto isakmp");
    assertEquals("Crypto ISAKMP debugging is on\n", r.body());
    assertEquals(new MgmtMessages.Debug(MgmtMessages.Facility.ISAKMP, true), heard.future().await(5, TimeUnit.SECONDS));
    assertEquals("All possible debugging has been turned off\n", exec("undebug all").body());
  }

  @Test
  void postedConfigurationIsValidatedAndErrorsComeBackAsFileLineMessage() throws Exception {
    HttpResponse<String> r = post("/config?name=edit.cfg", TestConfigs.INVALID, "text/plain");
    assertEquals(422, r.statusCode());
    assertTrue(r.body().startsWith("edit.cfg:2: crypto isakmp keepalive: seconds must be 10-3600, got 5\n"), r.body());
    assertTrue(r.body().contains("edit.cfg:3: "), r.body());
    assertTrue(r.body().endsWith("version 1 stays active\n"), r.body());

    r = post("/config?check=true", TestConfigs.SITE_A_KEEPALIVE_30, "text/plain");
    assertEquals(200, r.statusCode());
    assertEquals(1, verticle.active().version(), "check=true must not apply");

    r = post("/config", TestConfigs.SITE_A_KEEPALIVE_30, "text/plain");
    assertEquals(200, r.statusCode());
    assertEquals("% configuration version 2 is active\n", r.body());
    r = post("/config", TestConfigs.SITE_A_KEEPALIVE_30, "text/plain");
    assertEquals("% configuration unchanged, version 2 stays active\n", r.body());

    r = http.send(request("/config").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("2", r.headers().firstValue("X-Config-Version").orElseThrow());
    assertTrue(r.body().contains("crypto isakmp keepalive 30"), r.body());
  }

  @Test
  void malformedRequestsGetA4xxWithAClearMessage() throws Exception {
    HttpResponse<String> r = post("/exec", "{\"command\": 3", "application/json");
    assertEquals(400, r.statusCode());
    assertEquals("% malformed JSON: expected {\"command\": \"show …\"}\n", r.body());
    r = post("/exec", "{\"command\": \"show crypto isakmp sa\"}", "application/json");
    assertEquals(200, r.statusCode());
    r = post("/exec", "", "text/plain");
    assertEquals(400, r.statusCode());
    r = post("/exec", "show " + "x".repeat(5000), "text/plain");
    assertEquals(413, r.statusCode());
    assertEquals("% request body too large\n", r.body());
    r = post("/config?name=..%20x", TestConfigs.SITE_A, "text/plain");
    assertEquals(400, r.statusCode());
    r = http.send(request("/nothing").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode());
    assertTrue(r.body().startsWith("% no such endpoint: GET /nothing"), r.body());
  }

  @Test
  void anInvalidFileAtStartRefusesToStartWithEveryError() throws Exception {
    Path bad = dir.resolve("bad.cfg");
    Files.writeString(bad, TestConfigs.INVALID);
    Vertx other = Vertx.vertx();
    try {
      BusCodecs.register(other);
      Future<String> deployed = other.deployVerticle(new ConfigVerticle(), new DeploymentOptions().setConfig(
          new JsonObject().put("config", bad.toString()).put("no-api", true)));
      Exception e = assertThrows(Exception.class, () -> deployed.await(20, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains(bad + ":2: crypto isakmp keepalive: seconds must be 10-3600, got 5"),
          e.getMessage());
    } finally {
      other.close().await(20, TimeUnit.SECONDS);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> exec(String command) throws Exception {
    return post("/exec", command, "text/plain");
  }

  private HttpResponse<String> post(String path, String body, String type) throws Exception {
    return http.send(request(path).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits on Vert.x timers (not by sleeping the test thread) for a condition, at most 10 s. */
  private void await(BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long id = vertx.setPeriodic(20, t -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      }
    });
    try {
      done.future().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("condition not met within 10 s", e);
    } finally {
      vertx.cancelTimer(id);
    }
  }
}

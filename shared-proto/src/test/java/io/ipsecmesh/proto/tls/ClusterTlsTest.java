package io.ipsecmesh.proto.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.ProcessKek;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus's mutual TLS: two members with certificates of the cluster CA talk; a member whose
 * certificate another CA signed joins Hazelcast (which has no TLS) but gets no message through the
 * bus, either way. Clustered Vert.x on loopback: run under the heavy-test lock.
 */
class ClusterTlsTest {

  @TempDir
  Path dir;

  @Test
  void initMakesOwnerOnlyKeystoresThatOpenOnlyUnderTheKek() throws Exception {
    Kek kek = Kek.parseHex("33".repeat(32), "test KEK");
    List<ClusterTls.Member> m = ClusterTls.init(dir, kek, List.of("a", "b"));
    assertEquals(dir.resolve("a").resolve("member.p12"), m.get(0).keystore());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(m.get(1).keystore())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.p12"))));
    assertTrue(Files.readString(m.get(0).caCert()).startsWith("-----BEGIN CERTIFICATE-----"));
    ClusterTls.apply(new io.vertx.core.eventbus.EventBusOptions(), m.get(0), kek);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterTls.apply(
        new io.vertx.core.eventbus.EventBusOptions(), m.get(0), Kek.parseHex("44".repeat(32), "other KEK")));
    assertEquals("TLS keystore " + m.get(0).keystore() + " does not open under the KEK from other KEK (made for another "
        + "cluster?)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClusterTls.init(dir, kek, List.of("a")));
    Files.setPosixFilePermissions(m.get(1).keystore(), PosixFilePermissions.fromString("rw-r--r--"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterTls.apply(
        new io.vertx.core.eventbus.EventBusOptions(), m.get(1), kek)).getMessage().contains("has mode 0644"));
  }

  @Test
  void twoFirstStartsAtOnceShareOneCa() throws Exception {
    Kek kek = Kek.parseHex("77".repeat(32), "test KEK");
    Path state = dir.resolve("state").resolve("tls");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> ClusterTls.loadOrCreate(state, kek));
      var b = pool.submit(() -> ClusterTls.loadOrCreate(state, kek));
      assertEquals(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertTrue(Files.exists(state.resolve("run").resolve("member.p12")));
    try (var siblings = Files.list(state.getParent())) {
      assertEquals(List.of(state), siblings.toList(), "the loser's temporary directory is gone");
    }
  }

  @Test
  void membersOfTheClusterCaTalkAMemberOfAnotherCaIsCutOff() throws Exception {
    Kek kek = ProcessKek.current(); // the launcher installs the process's KEK: use the same
    List<ClusterTls.Member> ours = ClusterTls.init(dir.resolve("ours"), kek, List.of("a", "b"));
    ClusterTls.Member stranger = ClusterTls.init(dir.resolve("theirs"), kek, List.of("x")).getFirst();
    String cluster = "tls-test-" + UUID.randomUUID();
    int p1 = freePort();
    int p2 = freePort();
    int p3 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2, "127.0.0.1:" + p3);
    LaunchOptions base = LaunchOptions.defaults().withClusterName(cluster);
    Vertx a = start(base.withCluster(p1, members), ours.get(0));
    Vertx b = start(base.withCluster(p2, members), ours.get(1));
    Vertx x = start(base.withCluster(p3, members), stranger);
    try {
      a.eventBus().consumer("tls.echo.a", msg -> msg.reply("a:" + msg.body()));
      x.eventBus().consumer("tls.echo.x", msg -> msg.reply("x:" + msg.body()));
      awaitRegistration(b, "tls.echo.a");
      assertEquals("a:hello", b.eventBus().request("tls.echo.a", "hello").await(20, TimeUnit.SECONDS).body());
      // the stranger's handshake fails both ways: its requests and requests to it time out
      b.eventBus().consumer("tls.echo.b", msg -> msg.reply("b:" + msg.body()));
      Throwable toB = assertThrows(Exception.class, () -> x.eventBus().request("tls.echo.b", "hi",
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3000)).await(10, TimeUnit.SECONDS));
      assertTrue(toB instanceof ReplyException, toB.toString());
      Throwable toX = assertThrows(Exception.class, () -> b.eventBus().request("tls.echo.x", "hi",
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3000)).await(10, TimeUnit.SECONDS));
      assertTrue(toX instanceof ReplyException, toX.toString());
    } finally {
      x.close().await(15, TimeUnit.SECONDS);
      b.close().await(15, TimeUnit.SECONDS);
      a.close().await(15, TimeUnit.SECONDS);
    }
  }

  private static Vertx start(LaunchOptions o, ClusterTls.Member m) throws Exception {
    return ServiceLauncher.startVertx(o.withTls(m.keystore(), m.caCert())).await(60, TimeUnit.SECONDS);
  }

  /** Registrations reach other members through Hazelcast asynchronously: ask until one answers. */
  private static void awaitRegistration(Vertx v, String address) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        v.eventBus().request(address, "ping", new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2000))
            .await(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

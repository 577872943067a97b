package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ike-service's IPv6 sockets on real UDP sockets over the loopback {@code ::1}: opened on the addresses of the
 * interfaces with an {@code ipv6 crypto map}, a datagram arrives with the address it came to and the sender in RFC
 * 5952 text, an answer leaves from the SA's local address, and a configuration without the address closes it.
 */
@ExtendWith(VertxExtension.class)
class Ipv6SocketsTest {

  @Test
  void theAddressesAreThoseOfInterfacesWithAnIpv6CryptoMap() {
    GatewayConfig c = GatewayConfig.builder()
        .interfaces(List.of(InterfaceConfig.named("wan0").withIpv6("2001:DB8:FFFF:0::1/64", "VPN6"),
            InterfaceConfig.named("lan0").withIpv6("2001:db8:1::1/64", null)))
        .build();
    assertEquals(Set.of("2001:db8:ffff::1"), Ipv6Sockets.addresses(c), "canonical; the LAN carries no map");
  }

  @Test
  void anIpv6TunnelsSourceIsListenedOnToo() {
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel6", null, null, null, null, null, null, null,
        new io.ipsecmesh.proto.config.TunnelSettings("wan1", "2001:db8:eeee::2",
            io.ipsecmesh.proto.config.TunnelMode.IPSEC_IPV6, "P")).withIpv6("fd00:16::1/64", null);
    GatewayConfig c = GatewayConfig.builder()
        .interfaces(List.of(InterfaceConfig.named("wan1").withIpv6("2001:db8:eeee::1/64", null), tunnel))
        .build();
    assertEquals(Set.of("2001:db8:eeee::1"), Ipv6Sockets.addresses(c),
        "the tunnel mode ipsec ipv6 interface's tunnel source, not its inside address");
  }

  @Test
  void aDatagramComesInAndTheAnswerLeavesFromTheSameAddress(Vertx vertx, VertxTestContext ctx) throws Throwable {
    int port = freePort(vertx);
    AtomicReference<Ipv6Sockets> sockets = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong timer = new java.util.concurrent.atomic.AtomicLong(-1);
    DatagramSocket peer = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(true));
    java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
    peer.handler(p -> ctx.verify(() -> {
      if (answered.getAndSet(true)) {
        return; // a "hello" sent before the timer was cancelled
      }
      assertEquals("answer", p.data().toString());
      assertEquals(port, p.sender().port(), "from the IKE port of [::1]");
      sockets.get().update(Set.of());
      assertFalse(sockets.get().send("::1", port, "::1", peer.localAddress().port(), new byte[1]),
          "closed when the address left the configuration");
      ctx.completeNow();
    }));
    peer.listen(0, "::1").onComplete(ctx.succeeding(s -> vertx.runOnContext(v -> {
      Ipv6Sockets six = new Ipv6Sockets(vertx, port, port + 1, false, d -> ctx.verify(() -> {
        vertx.cancelTimer(timer.get());
        assertEquals("::1", d.localAddress());
        assertEquals(port, d.localPort());
        assertEquals("::1", d.peerAddress(), "RFC 5952 text, not 0:0:0:0:0:0:0:1");
        assertEquals(peer.localAddress().port(), d.peerPort());
        assertEquals("hello", new String(d.message()));
        assertTrue(sockets.get().send(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(),
            "answer".getBytes()));
      }));
      sockets.set(six);
      six.update(Set.of("::1"));
      // the socket binds asynchronously: resend until it answers
      timer.set(vertx.setPeriodic(100, id -> peer.send(Buffer.buffer("hello"), port, "::1")));
    })));
    assertTrue(ctx.awaitCompletion(10, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  private static int freePort(Vertx vertx) throws java.io.IOException {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("::1"))) {
      return s.getLocalPort();
    }
  }
}

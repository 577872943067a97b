package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class BusLogShipperTest {

  @Test
  void shipsSyslogMessagesAndDebugTracesOnly() {
    assertTrue(BusLogShipper.ships("%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for x"));
    assertTrue(BusLogShipper.ships("ISAKMP:(0:1:SW:1):IKE_DPD is enabled, initializing timers"));
    assertTrue(BusLogShipper.ships("IKEv2:(SA 1 10.0.0.2:500) sending message id 0"));
    assertTrue(BusLogShipper.ships("IPSEC(create_sa): sa created,"));
    assertFalse(BusLogShipper.ships("esp-forwarder: SA installed"));
    assertFalse(BusLogShipper.ships(null));
    assertEquals("ike", BusLogShipper.serviceOf("io.ipsecmesh.ike.v1.IsakmpDebug"));
    assertEquals("", BusLogShipper.serviceOf("io.vertx.core.impl.VertxImpl"));
  }

  @Test
  void aLoggedLineReachesTheBusWithItsServiceAndTime() throws Exception {
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    BusLogShipper shipper = BusLogShipper.install(vertx);
    try {
      List<MgmtMessages.LogLine> heard = new CopyOnWriteArrayList<>();
      vertx.eventBus().<MgmtMessages.LogLines>consumer(MgmtMessages.LOG, m -> heard.addAll(m.body().lines()))
          .completion().await(5, TimeUnit.SECONDS);
      long before = System.currentTimeMillis();
      Logger.getLogger("io.ipsecmesh.dpd.DpdVerticle").info("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN.");
      Logger.getLogger("io.ipsecmesh.dpd.DpdVerticle").info("dpd: not an IOS line");
      for (int i = 0; i < 50 && heard.isEmpty(); i++) {
        Thread.sleep(20);
      }
      Thread.sleep(100);
      assertEquals(1, heard.size(), heard.toString());
      assertEquals("dpd", heard.getFirst().service());
      assertEquals("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN.", heard.getFirst().text());
      assertTrue(heard.getFirst().epochMillis() >= before);
    } finally {
      shipper.uninstall();
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void linesLoggedTogetherGoInOrderInFewMessages() throws Exception {
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    BusLogShipper shipper = BusLogShipper.install(vertx);
    try {
      List<MgmtMessages.LogLines> heard = new CopyOnWriteArrayList<>();
      vertx.eventBus().<MgmtMessages.LogLines>consumer(MgmtMessages.LOG, m -> heard.add(m.body()))
          .completion().await(5, TimeUnit.SECONDS);
      Logger ike = Logger.getLogger("io.ipsecmesh.ike.BusEvents");
      for (int i = 1; i <= 3; i++) {
        ike.info("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 192.0.2." + i + ":500");
      }
      for (int i = 0; i < 100 && heard.stream().mapToInt(b -> b.lines().size()).sum() < 3; i++) {
        Thread.sleep(20);
      }
      List<String> texts = heard.stream().flatMap(b -> b.lines().stream()).map(MgmtMessages.LogLine::text).toList();
      assertEquals(List.of("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 192.0.2.1:500",
          "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 192.0.2.2:500",
          "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 192.0.2.3:500"), texts);
      assertTrue(heard.size() <= 3, heard.toString());
      assertEquals(0, shipper.dropped());
    } finally {
      shipper.uninstall();
      vertx.close().await(5, TimeUnit.SECONDS);
    }
  }
}

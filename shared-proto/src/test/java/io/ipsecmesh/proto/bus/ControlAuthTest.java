package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.Kek;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Control messages are delivered only with a valid HMAC header from the cluster's KEK: a missing,
 * forged (another KEK), altered or stale one is refused, counted, and a request gets a 403 failure
 * at once. One Vert.x, local delivery: the interceptors run the same for messages from the cluster.
 */
class ControlAuthTest {

  private static final Kek KEK = Kek.parseHex("55".repeat(32), "test KEK");
  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    vertx.eventBus().consumer(MgmtMessages.CLEAR_SESSION,
        m -> m.reply(new MgmtMessages.ClearSessionResult(1, 2)));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private void inbound(ControlAuth auth) {
    vertx.eventBus().addInboundInterceptor(auth::inbound);
  }

  private Object clear() throws Exception {
    return vertx.eventBus().request(MgmtMessages.CLEAR_SESSION, new MgmtMessages.ClearSession("192.0.2.2"))
        .await(5, TimeUnit.SECONDS).body();
  }

  @Test
  void aControlMessageWithTheClustersTagIsDelivered() throws Exception {
    ControlAuth auth = new ControlAuth(KEK, now::get);
    vertx.eventBus().addOutboundInterceptor(auth::outbound);
    inbound(auth);
    assertEquals(new MgmtMessages.ClearSessionResult(1, 2), clear());
  }

  @Test
  void withoutATagOrWithOneFromAnotherKekItIsRefusedAndCounted() {
    inbound(new ControlAuth(KEK, now::get));
    double missing = ControlAuth.refused("missing");
    ReplyException e = assertThrows(ReplyException.class, this::clear);
    assertEquals(403, e.failureCode());
    assertEquals("refused: missing", e.getMessage());
    assertEquals(missing + 1, ControlAuth.refused("missing"));

    ControlAuth forger = new ControlAuth(Kek.parseHex("66".repeat(32), "other"), now::get);
    vertx.eventBus().addOutboundInterceptor(forger::outbound);
    double bad = ControlAuth.refused("bad-mac");
    assertEquals("refused: bad-mac", assertThrows(ReplyException.class, this::clear).getMessage());
    assertEquals(bad + 1, ControlAuth.refused("bad-mac"));
  }

  @Test
  void aTagMovedToAnotherBodyOrOutsideTheTimeWindowIsRefused() {
    ControlAuth auth = new ControlAuth(KEK, now::get);
    vertx.eventBus().addOutboundInterceptor(auth::outbound);
    // after ours: the tag of one message replayed on another (another remote address)
    String[] captured = new String[1];
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      if (captured[0] == null) {
        captured[0] = ctx.message().headers().get(ControlAuth.HEADER);
      } else {
        ctx.message().headers().set(ControlAuth.HEADER, captured[0]);
      }
      ctx.next();
    });
    inbound(auth);
    assertEquals(new MgmtMessages.ClearSessionResult(1, 2), assertDoesNotThrow(this::clear));
    ReplyException e = assertThrows(ReplyException.class, () -> vertx.eventBus()
        .request(MgmtMessages.CLEAR_SESSION, new MgmtMessages.ClearSession("198.51.100.9")).await(5, TimeUnit.SECONDS));
    assertEquals("refused: bad-mac", e.getMessage());
  }

  @Test
  void aStaleTagIsRefused() {
    ControlAuth sender = new ControlAuth(KEK, () -> now.get() - ControlAuth.MAX_SKEW_MS - 1);
    vertx.eventBus().addOutboundInterceptor(sender::outbound);
    inbound(new ControlAuth(KEK, now::get));
    assertEquals("refused: stale", assertThrows(ReplyException.class, this::clear).getMessage());
  }

  @Test
  void otherAddressesPassUntouched() throws Exception {
    inbound(new ControlAuth(KEK, now::get));
    vertx.eventBus().consumer("fwd.activity", m -> m.reply("ok"));
    assertEquals("ok", vertx.eventBus().request("fwd.activity", "x").await(5, TimeUnit.SECONDS).body());
    assertTrue(ControlAuth.isControl("config.changed") && ControlAuth.isControl("sa.child.installed"));
    assertFalse(ControlAuth.isControl("ike.tx"));
  }
}

package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.runtime.ThreadJce;
import io.prometheus.metrics.core.metrics.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the bus's control messages ({@code config.changed}, {@code config.get}, {@code mgmt.*},
 * {@code sa.*}): an outbound interceptor adds the header {@value #HEADER} =
 * {@code v1:TIMESTAMP:NONCE:HMAC}, HMAC-SHA256 under HKDF(KEK, {@value #PURPOSE}) over address,
 * timestamp, nonce and the body as {@link RecordJson#normalized} writes it; an inbound interceptor
 * delivers a control message only when the tag verifies (constant-time compare) and the timestamp is
 * within {@value #MAX_SKEW_MS} ms of this member's clock and its nonce was not seen before in this process
 * within that window ({@link ReplayCache}, at most {@value #REPLAY_CAPACITY} nonces: when full a new one is
 * refused as {@code replay-cache-full}), and refuses and counts ({@code ipsecmesh_bus_refused_total{reason}})
 * every other: a captured message sent again is refused as {@code replayed}, while one publish delivered to
 * several local consumers reaches each. Sits behind the bus's mutual TLS: it keeps
 * a member that holds a CA certificate but not the KEK (or anything that reaches a handler without the
 * bus) from steering the gateway.
 */
public final class ControlAuth {

  public static final String HEADER = "ipsecmesh-auth";
  static final String PURPOSE = "bus-control-hmac";
  static final long MAX_SKEW_MS = 30_000;
  static final int REPLAY_CAPACITY = 65_536;
  private static final Logger LOG = Logger.getLogger(ControlAuth.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Counter REFUSED = Counter.builder()
      .name("ipsecmesh_bus_refused_total")
      .help("control messages refused on the event bus: no or a bad HMAC, outside the time window, undecodable,"
          + " replayed, replay cache full")
      .labelNames("reason")
      .register(Metrics.registry());

  private final SecretKeySpec key;
  private final LongSupplier clock;
  private final ReplayCache seen;
  /**
   * The canonical bytes of the last {@value #RECENT} {@code sa.*} bodies this process tagged, by identity. A local
   * publish hands its body object to every local consumer ({@code RecordCodec.transform} returns it), so the
   * inbound checks of one Child SA install — the forwarder's and nat-keepalive's — reuse the bytes the outbound
   * tag was computed over instead of normalizing the record again each (three passes of {@code RecordJson} per
   * delivery). The tag is still computed and compared for every delivery; a body that arrived from the cluster
   * is a new object and is canonicalized afresh. Only {@code sa.*}: their canonical form holds wrapped SA keys,
   * never a clear secret (a configuration's would hold its pre-shared keys in clear).
   */
  private final Object[] recentBodies = new Object[RECENT];
  private final byte[][] recentCanonical = new byte[RECENT][];
  private int recentNext;
  private static final int RECENT = 16;

  public ControlAuth(Kek kek, LongSupplier clock) {
    this(kek, clock, REPLAY_CAPACITY);
  }

  ControlAuth(Kek kek, LongSupplier clock, int replayCapacity) {
    byte[] k = kek.derive(PURPOSE);
    try {
      this.key = new SecretKeySpec(k, "HmacSHA256");
    } finally {
      Arrays.fill(k, (byte) 0);
    }
    this.clock = clock;
    // a message stays acceptable while its timestamp is within MAX_SKEW_MS of our clock: as long, its nonce
    this.seen = new ReplayCache(replayCapacity, MAX_SKEW_MS);
  }

  /** Adds both interceptors to {@code vertx}'s bus. */
  public static void install(Vertx vertx, Kek kek) {
    ControlAuth auth = new ControlAuth(kek, System::currentTimeMillis);
    vertx.eventBus().addOutboundInterceptor(auth::outbound);
    vertx.eventBus().addInboundInterceptor(auth::inbound);
  }

  /** How many control messages this JVM refused for {@code reason} (for tests and the docs' figures). */
  static double refused(String reason) {
    return REFUSED.labelValues(reason).get();
  }

  /** The addresses whose messages steer the gateway: configuration, management, SA install/delete. */
  public static boolean isControl(String address) {
    return address != null && (address.equals(ConfigMessages.CONFIG_CHANGED) || address.equals(ConfigMessages.CONFIG_GET)
        || address.startsWith("mgmt.") || address.startsWith("sa."));
  }

  <T> void outbound(DeliveryContext<T> ctx) {
    String address = ctx.message().address();
    if (isControl(address)) {
      long ts = clock.getAsLong();
      byte[] n = new byte[12];
      RANDOM.nextBytes(n);
      String nonce = HexFormat.of().formatHex(n);
      ctx.message().headers().set(HEADER, "v1:" + ts + ":" + nonce + ":"
          // ctx.body(), not message().body(): a clustered message holds what was sent apart from its body
          + Base64.getEncoder().encodeToString(tag(address, ts, nonce, ctx.body())));
    }
    ctx.next();
  }

  <T> void inbound(DeliveryContext<T> ctx) {
    String address = ctx.message().address();
    if (!isControl(address)) {
      ctx.next();
      return;
    }
    String refusal = check(address, ctx);
    if (refusal == null) {
      ctx.next();
    } else {
      REFUSED.labelValues(refusal).inc();
      LOG.warning(() -> "refused a " + address + " message: " + refusal);
      // a request is answered with a failure rather than left to time out
      if (ctx.message().replyAddress() != null) {
        ctx.message().fail(403, "refused: " + refusal);
      }
    }
  }

  /** Null when the message may be delivered, else the reason it is refused (a metric label). */
  private <T> String check(String address, DeliveryContext<T> ctx) {
    String h = ctx.message().headers().get(HEADER);
    if (h == null) {
      return "missing";
    }
    String[] f = h.split(":", -1);
    if (f.length != 4 || !f[0].equals("v1") || f[2].length() != 24) {
      return "malformed";
    }
    long ts;
    byte[] given;
    try {
      ts = Long.parseLong(f[1]);
      given = Base64.getDecoder().decode(f[3]);
    } catch (IllegalArgumentException e) {
      return "malformed";
    }
    long now = clock.getAsLong();
    if (Math.abs(now - ts) > MAX_SKEW_MS) {
      return "stale";
    }
    Object body;
    try {
      body = ctx.message().body();
    } catch (RuntimeException e) {
      return "undecodable"; // e.g. a sealed secret that does not open
    }
    if (!MessageDigest.isEqual(given, tag(address, ts, f[2], body))) {
      return "bad-mac";
    }
    // only after the tag verified: nothing without the KEK can fill the cache
    return switch (seen.check(f[2], ts, Origin.of(ctx.message()), now)) {
      case ACCEPTED -> null;
      case REPLAYED -> "replayed";
      case FULL -> "replay-cache-full";
    };
  }

  byte[] tag(String address, long ts, String nonce, Object body) {
    try {
      byte[] canonical = address.startsWith("sa.") ? recentCanonical(body) : canonical(body); // before the Mac is taken
      Mac mac = ThreadJce.mac("HmacSHA256");
      mac.init(key);
      mac.update((address + "\n" + ts + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(canonical);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private byte[] recentCanonical(Object body) {
    synchronized (recentBodies) {
      for (int i = 0; i < RECENT; i++) {
        if (recentBodies[i] == body && body != null) {
          return recentCanonical[i];
        }
      }
    }
    byte[] c = canonical(body);
    synchronized (recentBodies) {
      recentBodies[recentNext] = body;
      recentCanonical[recentNext] = c;
      recentNext = (recentNext + 1) % RECENT;
    }
    return c;
  }

  private static byte[] canonical(Object body) {
    String text = switch (body) {
      case null -> "null";
      case Record r -> "record:" + RecordJson.wireName(r.getClass()) + ":" + RecordJson.normalized(r).encode();
      case JsonObject o -> "json:" + o.encode();
      case JsonArray a -> "json:" + a.encode();
      case Buffer b -> "buffer:" + Base64.getEncoder().encodeToString(b.getBytes());
      case byte[] b -> "bytes:" + Base64.getEncoder().encodeToString(b);
      default -> body.getClass().getSimpleName() + ":" + body;
    };
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

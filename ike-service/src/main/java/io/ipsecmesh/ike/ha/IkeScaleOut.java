package io.ipsecmesh.ike.ha;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * ike-service N-wide (issue 13 item 1): several instances in one cluster share the gateway's IKE. Each IKE SA
 * belongs to the live instance its initiator SPI rendezvous-hashes to ({@link IkeRouting}, membership by
 * heartbeats on {@value IkeMessages#MEMBERS} as dpd-service and nat-keepalive do). This class is everything the
 * verticle needs for that, behind a few calls, so {@code IkeVerticle} only routes through it:
 * <ul>
 *   <li>UDP 500 is bound with SO_REUSEPORT ({@link ReusePortSocket}); a datagram the kernel gave to a non-owner
 *       goes to the owner on {@code ike.handoff.<owner>} ({@link #handOff}), rate-bounded and counted. IKE on
 *       4500 is published by the forwarder ({@code ike.punt}) to every instance: only the owner keeps it.</li>
 *   <li>the engine checkpoints every established IKE SA after each exchange into {@code ike.checkpoints}
 *       ({@link SealedCheckpoints}); as initiator it picks SPIs (IKEv1: cookies) this instance owns.</li>
 *   <li>when the member set changes, SAs owned elsewhere now are released and orphaned checkpoints owned here
 *       now are adopted ({@code IkeTakeover.adopt}, {@code Ikev1Takeover.adopt}): a killed owner's SAs continue at the
 *       survivors, a joining instance takes its share. IKEv1 SAs the same way (by initiator cookie).</li>
 *   <li>bus commands naming an SA reach the instance that holds it ({@link #bySa}, {@link #everywhere},
 *       {@link #byKey}, {@link #heldOrOwned}) through {@code ike.relay.<instance>.<address>}.</li>
 * </ul>
 * Disabled (the default, {@code ike-scale-out false}), every call passes through and nothing is written.
 */
public final class IkeScaleOut {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  /** Hand-offs per second above which datagrams are dropped (counted): a flood must not flood the bus. */
  static final int HANDOFF_PER_SECOND = 20_000;
  private static final long RELAY_TIMEOUT_MILLIS = 5_000;

  /**
   * {@code ike-scale-out} (default false), {@code ike-instance-id} (default ike-PID-random) and the membership's
   * timing, ike-service's own rather than the 1 s / 3 s that dpd-service and nat-keepalive share: issue 13 wants an
   * IKE SA at a survivor within 3 s of {@code kill -9}, and a dead member is noticed between {@code
   * memberTimeoutMillis} and {@code memberTimeoutMillis + heartbeatMillis} after its last heartbeat, then adopted
   * {@link #ADOPT_SETTLE_MILLIS} later plus one scan of {@code ike.checkpoints}. {@code ike-member-heartbeat-millis}
   * (default 500) and {@code ike-member-timeout-millis} (default 1500: three missed heartbeats, so one lost or late
   * heartbeat never moves an SA).
   */
  public record Settings(boolean enabled, String instanceId, long heartbeatMillis, long memberTimeoutMillis) {
    public static final long DEFAULT_HEARTBEAT_MILLIS = 500;
    public static final long DEFAULT_MEMBER_TIMEOUT_MILLIS = 3 * DEFAULT_HEARTBEAT_MILLIS;

    public Settings {
      if (heartbeatMillis < 50 || memberTimeoutMillis < 2 * heartbeatMillis) {
        throw new IllegalArgumentException("ike-service: ike-member-heartbeat-millis " + heartbeatMillis
            + " / ike-member-timeout-millis " + memberTimeoutMillis + ": the heartbeat must be at least 50 ms and the"
            + " timeout at least two heartbeats (one late heartbeat must not move IKE SAs)");
      }
    }

    public static Settings from(JsonObject c) {
      JsonObject j = c == null ? new JsonObject() : c;
      boolean on = Boolean.parseBoolean(String.valueOf(j.getValue("ike-scale-out", "false")));
      Object id = j.getValue("ike-instance-id");
      String instance = id != null ? id.toString()
          : "ike-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
      return new Settings(on, instance, millis(j, "ike-member-heartbeat-millis", DEFAULT_HEARTBEAT_MILLIS),
          millis(j, "ike-member-timeout-millis", DEFAULT_MEMBER_TIMEOUT_MILLIS));
    }

    /** Listen this long before joining: every live member has beaten at least once (as nat-keepalive does). */
    public long listenBeforeJoiningMillis() {
      return heartbeatMillis + heartbeatMillis / 2;
    }

    /** The latest a survivor starts adopting a killed member's IKE SAs after its last heartbeat (then one scan). */
    public long adoptionBoundMillis() {
      return memberTimeoutMillis + heartbeatMillis + ADOPT_SETTLE_MILLIS;
    }

    private static long millis(JsonObject j, String key, long dflt) {
      Object v = j.getValue(key);
      if (v == null) {
        return dflt;
      }
      try {
        return Long.parseLong(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("ike-service: " + key + " must be a number of milliseconds, not '" + v
            + "'");
      }
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final IkeEngine engine;
  private final Ikev1Service ikev1;
  private final Consumer<IkeDatagram> local;
  private final IkeRouting routing;
  private InstanceMembership membership;
  private MemberHeartbeats heartbeats;
  private ConcurrentMap<String, String> map;
  private SealedCheckpoints checkpoints;
  private ReusePortSocket udp;
  private long windowStart;
  private int windowCount;
  private long handedOff;
  private long handOffDropped;
  private long adopted;
  private long released;
  private long storeNanos;
  private long stored;
  private final ScaleOutMetrics metrics = ScaleOutMetrics.of(io.ipsecmesh.proto.runtime.Metrics.registry());

  private IkeScaleOut(Vertx vertx, Settings settings, IkeEngine engine, Ikev1Service ikev1,
      Consumer<IkeDatagram> local) {
    this.vertx = vertx;
    this.settings = settings;
    this.engine = engine;
    this.ikev1 = ikev1;
    this.local = local;
    this.routing = new IkeRouting(settings.instanceId());
  }

  /**
   * Wires the engines for scale-out when {@code ike-scale-out} is on: checkpoints, owned SPIs and cookies.
   * {@code local} is the verticle's own dispatch of a datagram (IKEv1 or IKEv2).
   */
  public static IkeScaleOut create(Vertx vertx, JsonObject config, IkeEngine engine, Ikev1Service ikev1,
      Consumer<IkeDatagram> local) {
    IkeScaleOut s = new IkeScaleOut(vertx, Settings.from(config), engine, ikev1, local);
    if (s.settings.enabled()) {
      s.map = Cluster.map(vertx, SharedMaps.IKE_CHECKPOINTS);
      s.checkpoints = SealedCheckpoints.withProcessKek(s.new HazelcastStore());
      engine.takeover().setCheckpoints(s.checkpoints, s.settings.instanceId(), s.routing::ownsSpi);
      ikev1.setOwnCookies(s.routing::ownsSpi);
      ikev1.takeover().setCheckpoints(s.checkpoints, s.settings.instanceId(), System::currentTimeMillis);
    }
    return s;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  public String instanceId() {
    return settings.instanceId();
  }

  /** ike-service's heartbeats on {@value IkeMessages#MEMBERS} with its own timing (see {@link Settings}). */
  static MemberHeartbeats heartbeats(Vertx vertx, io.ipsecmesh.proto.time.Scheduler scheduler, Settings settings,
      InstanceMembership membership, Runnable onChange) {
    return new MemberHeartbeats(vertx, scheduler, IkeMessages.MEMBERS, membership, settings.heartbeatMillis(),
        settings.listenBeforeJoiningMillis(), onChange);
  }

  /** Joins the members (after listening one and a half heartbeat periods, so it claims nothing it does not own). */
  public Future<Void> start() {
    if (!enabled()) {
      return Future.succeededFuture();
    }
    membership = new InstanceMembership(settings.instanceId(), settings.memberTimeoutMillis());
    heartbeats = heartbeats(vertx, new VertxScheduler(vertx), settings, membership, this::membersChanged);
    var handoff = vertx.eventBus().<IkeDatagram>consumer(IkeMessages.HANDOFF_PREFIX + settings.instanceId(),
        m -> guarded("hand-off", () -> local.accept(m.body())));
    var adopt = vertx.eventBus().<String>consumer(IkeMessages.ADOPT_PREFIX + settings.instanceId(),
        m -> guarded("adopt", () -> adoptFromMap(List.of(m.body()))));
    // the instance label of this process's metrics is the instance show crypto … sa detail names
    io.ipsecmesh.proto.runtime.Metrics.instance(settings.instanceId());
    LOG.log(System.Logger.Level.INFO, "ike-service: scale-out on, instance " + settings.instanceId());
    return Future.all(handoff.completion(), adopt.completion(), heartbeats.start()).mapEmpty();
  }

  /**
   * Orderly stop: the SAs are released, not deleted (their checkpoints stay), and the others hear at once that
   * this instance leaves, so they adopt them now. @return false when scale-out is off (the caller deletes them)
   */
  public boolean leave() {
    if (!enabled()) {
      return false;
    }
    engine.takeover().establishedIkeSaIds().forEach(engine.takeover()::release);
    ikev1.takeover().establishedIsakmpSaIds().forEach(ikev1.takeover()::release);
    if (heartbeats != null) {
      heartbeats.stop();
    }
    if (udp != null) {
      udp.close();
    }
    LOG.log(System.Logger.Level.INFO, "ike-service: " + settings.instanceId() + " leaves: " + stats());
    return true;
  }

  // ============================================================================ datagrams

  /** UDP 500 with SO_REUSEPORT, shared with the other instances on this host; null when scale-out is off. */
  public Future<Void> listenIke(String bindAddress, int port, String localAddress) {
    try {
      udp = ReusePortSocket.bind(bindAddress, port, vertx.getOrCreateContext(), (host, peerPort, data) -> {
        IkeDatagram d = new IkeDatagram(localAddress, port, host, peerPort, data);
        if (!handOff(d, false)) {
          local.accept(d);
        }
      });
      return Future.succeededFuture();
    } catch (java.io.IOException | RuntimeException e) {
      return Future.failedFuture(new IllegalStateException("ike-service: cannot bind UDP " + bindAddress + ":" + port
          + " with SO_REUSEPORT: " + e.getMessage(), e));
    }
  }

  /** Whether IKE on the IKE port leaves through {@link #sendIke} (the shared socket). */
  public boolean sendsIke() {
    return udp != null;
  }

  public void sendIke(byte[] message, String peerAddress, int peerPort) {
    udp.send(message, peerAddress, peerPort);
  }

  /**
   * A datagram this instance received: true when another instance owns its IKE SA and it was handed to it (or
   * dropped, counted, above {@link #HANDOFF_PER_SECOND}). {@code published}: every instance received it (the
   * forwarder's {@code ike.punt}), so a non-owner only drops it.
   */
  public boolean handOff(IkeDatagram d, boolean published) {
    if (!enabled()) {
      return false;
    }
    String owner = routing.remoteOwner(IkeRouting.keyOfDatagram(d.message()));
    if (owner == null) {
      return false;
    }
    if (published) {
      return true;
    }
    if (!admit()) {
      handOffDropped++;
      count(ScaleOutMetrics.HANDOFF_DROPPED);
      return true;
    }
    vertx.eventBus().send(IkeMessages.HANDOFF_PREFIX + owner, d);
    handedOff++;
    count(ScaleOutMetrics.HANDED_OFF);
    return true;
  }

  private boolean admit() {
    long now = System.nanoTime();
    if (now - windowStart > 1_000_000_000L) {
      windowStart = now;
      windowCount = 0;
    }
    return ++windowCount <= HANDOFF_PER_SECOND;
  }

  // ============================================================================ commands

  /**
   * A command naming an IKE SA, sent to one instance (or a request, {@code dpd.probe}): handled here when this
   * instance owns the SA, else relayed to the owner (a request's reply relayed back; on a relay failure it is
   * handled here, where the engine answers "unknown SA").
   */
  public <T> Handler<Message<T>> bySa(String address, Function<T, String> ikeSaId, Handler<Message<T>> handler) {
    return byKey(address, body -> IkeRouting.keyOfSaId(ikeSaId.apply(body)), handler);
  }

  /** A command routed by a key of the caller's (an ACQUIRE by its crypto map entry: one instance initiates). */
  public <T> Handler<Message<T>> byKey(String address, Function<T, String> key, Handler<Message<T>> handler) {
    if (!enabled()) {
      return handler;
    }
    relayConsumer(address, handler);
    return m -> guarded(address, () -> {
      String owner = routing.remoteOwner(key.apply(m.body()));
      if (owner == null) {
        handler.handle(m);
        return;
      }
      String to = relayAddress(owner, address);
      if (m.replyAddress() == null) {
        vertx.eventBus().send(to, m.body());
        return;
      }
      vertx.eventBus().request(to, m.body(), new DeliveryOptions().setSendTimeout(RELAY_TIMEOUT_MILLIS))
          .onSuccess(r -> m.reply(r.body()))
          .onFailure(e -> guarded(address, () -> handler.handle(m)));
    });
  }

  /**
   * A command naming a Child SA by its SPI (the forwarder's lifetime, idle and NAT-mapping reports), which only
   * the holder can tell: handled here and relayed to every other member; where the SPI is unknown it is a no-op.
   */
  public <T> Handler<Message<T>> everywhere(String address, Handler<Message<T>> handler) {
    if (!enabled()) {
      return handler;
    }
    relayConsumer(address, handler);
    return m -> guarded(address, () -> {
      handler.handle(m);
      for (String other : routing.members()) {
        if (!other.equals(settings.instanceId())) {
          vertx.eventBus().send(relayAddress(other, address), m.body());
        }
      }
    });
  }

  /**
   * A request every instance must act on, each on what it holds, with one answer ({@code clear crypto session}:
   * the management API sends it to one instance): handled here, relayed as a request to every other live member,
   * and answered with the results combined; a member that does not answer within the relay timeout (it died) adds
   * nothing — what it held is adopted by a survivor, and a second clear reaches it there.
   */
  public <T, R> Handler<Message<T>> gathered(String address, Function<T, R> local, BinaryOperator<R> combine) {
    if (!enabled()) {
      return m -> guarded(address, () -> m.reply(local.apply(m.body())));
    }
    this.<T>relayConsumer(address, (Message<T> m) -> m.reply(local.apply(m.body())));
    return m -> guarded(address, () -> {
      R own = local.apply(m.body());
      List<Future<R>> others = new ArrayList<>();
      for (String other : routing.members()) {
        if (!other.equals(settings.instanceId())) {
          others.add(vertx.eventBus().<R>request(relayAddress(other, address), m.body(),
              new DeliveryOptions().setSendTimeout(RELAY_TIMEOUT_MILLIS)).map(Message::body).otherwise((R) null));
        }
      }
      Future.all(others).onComplete(done -> {
        R all = own;
        for (Future<R> f : others) {
          if (f.result() != null) {
            all = combine.apply(all, f.result());
          }
        }
        m.reply(all);
      });
    });
  }

  /**
   * A command published to every instance ({@code dpd.peer.dead}): acted on where the SA is held, or by its owner
   * when nobody holds it (what is left of it in the cluster is then cleaned once, not by every instance).
   */
  public <T> Handler<Message<T>> heldOrOwned(Function<T, String> ikeSaId, Predicate<String> heldHere,
      Handler<Message<T>> handler) {
    if (!enabled()) {
      return handler;
    }
    return m -> guarded("published command", () -> {
      String id = ikeSaId.apply(m.body());
      if (heldHere.test(id) || routing.remoteOwner(IkeRouting.keyOfSaId(id)) == null) {
        handler.handle(m);
      }
    });
  }

  private final Set<String> relayed = new HashSet<>();

  private <T> void relayConsumer(String address, Handler<Message<T>> handler) {
    if (relayed.add(address)) {
      vertx.eventBus().<T>consumer(relayAddress(settings.instanceId(), address),
          m -> guarded("relayed " + address, () -> handler.handle(m)));
    }
  }

  static String relayAddress(String instance, String address) {
    return IkeMessages.RELAY_PREFIX + instance + "." + address;
  }

  // ============================================================================ membership

  private void membersChanged() {
    routing.members(membership.members());
    LOG.log(System.Logger.Level.INFO, "ike-service: " + settings.instanceId() + " members now "
        + new java.util.TreeSet<>(routing.members()));
    metrics.members.labelValues(settings.instanceId()).set(routing.members().size());
    for (String id : held()) {
      if (routing.remoteOwner(IkeRouting.keyOfSaId(id)) != null && release(id)) {
        released++;
        count(ScaleOutMetrics.RELEASED);
        LOG.log(System.Logger.Level.INFO, "ike-service: IKE SA " + id + " now belongs to "
            + routing.remoteOwner(IkeRouting.keyOfSaId(id)) + "; released");
      }
    }
    if (membership.joined()) {
      // one map scan per burst of changes (instances starting together), not one per heartbeat heard
      if (adoptTimer != 0) {
        vertx.cancelTimer(adoptTimer);
      }
      adoptTimer = vertx.setTimer(ADOPT_SETTLE_MILLIS, t -> {
        adoptTimer = 0;
        guarded("adopt", this::adoptOrphans);
      });
    }
  }

  /** Membership changes closer together than this are one change for the scan of {@code ike.checkpoints}. */
  static final long ADOPT_SETTLE_MILLIS = 200;
  private long adoptTimer;

  /** The checkpoints this instance owns now and does not hold: a dead or leaving owner's, or a joiner's share. */
  private void adoptOrphans() {
    Set<String> held = new HashSet<>(held());
    vertx.executeBlocking(() -> {
      List<String> mine = new ArrayList<>();
      for (String key : map.keySet()) {
        if (!held.contains(key) && routing.remoteOwner(IkeRouting.keyOfSaId(key)) == null) {
          mine.add(key);
        }
      }
      return mine;
    }, false).onSuccess(this::adoptFromMap).onFailure(e -> LOG.log(System.Logger.Level.WARNING,
        "ike-service: " + settings.instanceId() + " cannot scan ike.checkpoints (" + e + "); adopts nothing"));
  }

  /** The established IKE SAs (IKEv2) and ISAKMP SAs (IKEv1) held here, by id. */
  private List<String> held() {
    List<String> ids = new ArrayList<>(engine.takeover().establishedIkeSaIds());
    ids.addAll(ikev1.takeover().establishedIsakmpSaIds());
    return ids;
  }

  /** Forgets an SA another instance owns now, whichever version it is. */
  private boolean release(String id) {
    return engine.takeover().release(id) || ikev1.takeover().release(id);
  }

  /**
   * Claims each checkpoint by compare-and-set (the entry replaced by this instance's claim only if it is still
   * the one read: of two instances that both think they own it, one adopts), then adopts the claimed ones.
   */
  private void adoptFromMap(List<String> ids) {
    vertx.executeBlocking(() -> {
      List<SealedCheckpoints.Claim> claimed = new ArrayList<>();
      for (String id : ids) {
        String v = map.get(id);
        SealedCheckpoints.Claim claim = v == null ? null : checkpoints.claim(id, v, settings.instanceId());
        if (claim == null) {
          continue;
        }
        if (map.replace(id, v, claim.sealed())) {
          claimed.add(claim);
        } else {
          claim.destroy(); // written or claimed meanwhile by another instance
        }
      }
      return claimed;
    }, false).onFailure(e -> LOG.log(System.Logger.Level.WARNING, "ike-service: " + settings.instanceId()
        // below the cluster quorum (split-brain protection, HazelcastConfigs) claims fail: the other side keeps the SAs
        + " claims nothing: " + e)).onSuccess(claimed -> guarded("adopt", () -> {
      for (SealedCheckpoints.Claim c : claimed) {
        boolean ok = c.checkpoint() != null ? engine.takeover().adopt(c.checkpoint())
            : ikev1.takeover().adopt(c.isakmp());
        if (ok) {
          adopted++;
          count(ScaleOutMetrics.ADOPTED);
        }
      }
    }));
  }

  /** {@code ike.checkpoints} in Hazelcast, written in order off the event loop. */
  private final class HazelcastStore implements SealedCheckpoints.Store {
    @Override
    public void put(String ikeSaId, String sealed) {
      long t0 = System.nanoTime();
      vertx.executeBlocking(() -> map.put(ikeSaId, sealed), true).onComplete(r -> {
        storeNanos += System.nanoTime() - t0;
        stored++;
        count(ScaleOutMetrics.CHECKPOINT_STORED);
        if (r.failed()) {
          LOG.log(System.Logger.Level.WARNING, "ike-service: checkpoint of " + ikeSaId + " not stored: " + r.cause());
          return;
        }
        // a peer's IKE SA rekey chose an SPIi that hashes elsewhere: the owner continues it from this checkpoint
        String owner = routing.remoteOwner(IkeRouting.keyOfSaId(ikeSaId));
        if (owner != null && release(ikeSaId)) {
          released++;
          count(ScaleOutMetrics.RELEASED);
          vertx.eventBus().send(IkeMessages.ADOPT_PREFIX + owner, ikeSaId);
        }
      });
    }

    @Override
    public void remove(String ikeSaId) {
      vertx.executeBlocking(() -> map.remove(ikeSaId), true);
    }

    /**
     * Write-ahead: ordered blocking tasks of this context run one after another, so this one completes after every
     * put queued before it; {@code r} (sending the answer) runs then, on the event loop. Should the put fail (no
     * quorum, the cluster gone), the answer still goes: the peer must not wait for our storage.
     */
    @Override
    public void afterStored(Runnable r) {
      vertx.executeBlocking(() -> null, true).onComplete(x -> guarded("send after checkpoint", r));
    }
  }

  // ============================================================================ figures

  /** For the log and {@code show}: members, hand-offs, adoptions, checkpoint cost. */
  public String stats() {
    if (!enabled()) {
      return "scale-out off";
    }
    double sealUs = checkpoints.written() == 0 ? 0 : checkpoints.sealNanos() / 1000.0 / checkpoints.written();
    double storeUs = stored == 0 ? 0 : storeNanos / 1000.0 / stored;
    return String.format("instance %s, members %s, handed off %d (dropped %d), adopted %d, released %d, "
        + "checkpoints %d (seal %.0f µs, store %.0f µs each), UDP drops %d", settings.instanceId(), routing.members(),
        handedOff, handOffDropped, adopted, released, checkpoints.written(), sealUs, storeUs,
        udp == null ? 0 : udp.dropped());
  }

  private void count(String event) {
    metrics.events.labelValues(settings.instanceId(), event).inc();
  }

  public Set<String> members() {
    return routing.members();
  }

  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: scale-out " + what + " failed: " + e);
    }
  }
}

package io.ipsecmesh.esp;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.ipsecmesh.esp.fwd.ChildSaFeed;
import io.ipsecmesh.esp.fwd.DataPathWarmup;
import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.IpsecDebug;
import io.ipsecmesh.esp.fwd.PuntRateLimiter;
import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.fwd.ManualSequenceFile;
import io.ipsecmesh.esp.fwd.SaFactory;
import io.ipsecmesh.esp.fwd.SaInstaller;
import io.ipsecmesh.esp.fwd.ReplayCheckpointer;
import io.ipsecmesh.esp.fwd.ReplayCheckpoints;
import io.ipsecmesh.esp.fwd.SaOwnership;
import io.ipsecmesh.esp.ha.EspHandoff;
import io.ipsecmesh.esp.ha.EspScaleOut;
import io.ipsecmesh.esp.ha.EspScaleOutSettings;
import io.ipsecmesh.esp.ha.HandoffDelivery;
import io.ipsecmesh.esp.ha.SerialOutbound;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.esp.fwd.SaPair;
import io.ipsecmesh.esp.fwd.SaSupervisor;
import io.ipsecmesh.esp.fwd.SequenceReservations;
import io.ipsecmesh.esp.access.ClearTextAccessCheck;
import io.ipsecmesh.esp.access.ClearTextRuleset;
import io.ipsecmesh.esp.access.TunnelFeatureMetrics;
import io.ipsecmesh.esp.df.DfSwitch;
import io.ipsecmesh.esp.df.DfSwitchingSender;
import io.ipsecmesh.esp.df.SockoptDfSwitch;
import io.ipsecmesh.esp.frag.Icmp6Sender;
import io.ipsecmesh.esp.frag.IcmpSender;
import io.ipsecmesh.esp.frag.RawIcmp6Sender;
import io.ipsecmesh.esp.frag.RawIcmpSender;
import io.ipsecmesh.esp.frag.TunnelMtuPolicy;
import io.ipsecmesh.esp.ezvpn.EasyVpnDataPath;
import io.ipsecmesh.esp.ezvpn.TunRoutes;
import io.ipsecmesh.esp.iface.InterfaceMap;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.OuterReceiver;
import io.ipsecmesh.esp.io.SocketBuffers;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.RawEspSocket;
import io.ipsecmesh.esp.io.UdpEncapSocket;
import io.ipsecmesh.esp.qos.LlqCryptoQueue;
import io.ipsecmesh.esp.steer.ReuseportSteering;
import io.ipsecmesh.esp.qos.LlqMetrics;
import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.DiscardPacketPort;
import io.ipsecmesh.esp.tun.KernelRoutes;
import io.ipsecmesh.esp.tun.NegotiatedRoutes;
import io.ipsecmesh.esp.spd.NegotiatedPolicies;
import io.ipsecmesh.esp.tun.PacketPort;
import io.ipsecmesh.esp.tun.TunDevice;
import io.ipsecmesh.esp.tun.UdpInnerPort;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigFollower;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.bus.EzvpnMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The esp-forwarder service: the UDP 4500 socket, the TUN interface and the ESP data plane between
 * them, fed with SAs from ike-service (bus + Hazelcast map) and with manual SAs and policies from the
 * configuration. Packets never touch this verticle's context; it only builds tables and turns the
 * data plane's counters into control-plane events.
 *
 * <p>Its deployment options, defaults and checks are {@link EspForwarderSettings}.
 */
public final class EspForwarderVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(EspForwarderVerticle.class.getName());
  /** How often the clear-text drop counters of the access check are read from nftables. */
  private static final long ACCESS_CHECK_POLL_MILLIS = 2000;

  private final PacketPort providedPort;
  private EspForwarderSettings settings;
  /** Scale-out (several forwarder processes per gateway address): off unless {@code esp-scale-out true}. */
  private EspScaleOutSettings scaleOutSettings;
  /** Null without scale-out. */
  private SaOwnership ownership;
  private EspScaleOut scaleOut;
  private HandoffDelivery handoffDelivery;
  /** Scale-out: steers inbound ESP to its owner's socket in the kernel (null without scale-out). */
  private ReuseportSteering steering;
  private io.vertx.core.eventbus.MessageConsumer<FwdMessages.SteeringIndex> steeringConsumer;
  private String forwarderId;
  private KeyWrap keyWrap;
  private Scheduler clock;
  private Context control;
  private EventLoopGroup group;
  private UdpEncapSocket socket;
  private RawEspSocket rawSocket;
  private RawIcmpSender icmp;
  /** IPv6 peers: the UDP socket beside an IPv4 {@link #socket} (null when that one is dual-stack, or none). */
  private UdpEncapSocket socket6;
  /** IPv6 peers without UDP encapsulation: raw ESP over IPv6, or null. */
  private RawEspSocket rawSocket6;
  private RawIcmp6Sender icmp6;
  private ClearTextAccessCheck accessCheck;
  private long accessCheckTimer = -1;
  private PacketPort inner;
  private LlqCryptoQueue llq;
  /** The start-up warm-up of the packet path, while it runs ({@link #warmUp}). */
  private Thread warmup;
  /** A warm-up that has not finished by then stops (a very busy host). */
  private static final long WARMUP_LIMIT_NANOS = 30_000_000_000L;
  private DataPlane plane;
  private SaFactory factory;
  private SaSupervisor supervisor;
  private ReplayCheckpointer replayCheckpointer;
  /** {@code debug crypto ipsec}: SA install, delete and expiry lines. */
  private final IpsecDebug ipsecDebug = new IpsecDebug();
  private SequenceReservations reservations;
  private ChildSaFeed childSas;
  private ConcurrentMap<String, String> counterMap;
  private IMap<String, String> childSaMap;
  private UUID childSaListener;
  private ConfigFollower configFollower;
  private GatewayConfig config = GatewayConfig.empty();
  private EasyVpnDataPath easyVpn;
  private boolean easyVpnConfigured;
  private InterfaceMap interfaceMap = InterfaceMap.IDENTITY;
  /** Dynamic crypto maps' routes into the TUN (null without a TUN or with {@code routes} off). */
  private NegotiatedRoutes negotiatedRoutes;
  private final java.util.concurrent.atomic.AtomicBoolean routesDue = new java.util.concurrent.atomic.AtomicBoolean();
  /** Completes when the access check and routes of the first configuration applied are in the kernel. */
  private final Promise<Void> firstKernelState = Promise.promise();
  private static final long FIRST_CONFIG_WAIT_MILLIS = 10_000;

  public EspForwarderVerticle() {
    this(null);
  }

  /** With a given inner port (tests: {@link io.ipsecmesh.esp.tun.InProcessPacketPort}). */
  public EspForwarderVerticle(PacketPort innerPort) {
    this.providedPort = innerPort;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    try {
      settings = EspForwarderSettings.from(config());
      scaleOutSettings = EspScaleOutSettings.from(config(), settings.forwarderId());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    EspForwarderSettings cfg = settings;
    // in scale-out the instance's name is its forwarder id: metrics' forwarder label, the owner in show output
    forwarderId = scaleOutSettings.enabled() ? scaleOutSettings.instanceId() : cfg.forwarderId();
    interfaceMap = cfg.interfaceMap();
    keyWrap = KeyWrap.fromEnvironment();
    clock = new VertxScheduler(vertx);
    control = context;
    reservations = new SequenceReservations(Cluster.map(vertx, SharedMaps.SEQUENCE_RESERVATIONS),
        new ManualSequenceFile(cfg.stateDir()));
    counterMap = Cluster.map(vertx, SharedMaps.SA_COUNTERS);
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    return vertx.executeBlocking(() -> {
      inner = providedPort != null ? providedPort : openInner(cfg);
      // UDP GRO goes with computed checksums by default (EspForwarderSettings#udpGro says why)
      socket = new UdpEncapSocket(group, cfg.bind(), null, cfg.udpGro(), cfg.zeroUdpChecksum());
      socket.receiver(NOT_YET);
      socket.reusePort(scaleOutSettings.enabled());
      socket.bind();
      socket6 = openUdp6(cfg);
      rawSocket = openRaw(cfg, Libc.AF_INET);
      rawSocket6 = openRaw(cfg, Libc.AF_INET6);
      return null;
    }).compose(v -> {
      factory = new SaFactory(keyWrap, socket.family());
      // the outer DF bit is chosen per packet (crypto ipsec df-bit) by switching the IPv4 socket's
      // IP_MTU_DISCOVER mode between batches; an IPv6 outer header has no DF bit
      DfSwitch udpDf = socket.family() == Libc.AF_INET ? new SockoptDfSwitch(socket.fd()) : DfSwitch.NONE;
      // IPv6 peers leave by IPv6 sockets: their outer header has no DF bit (RFC 8200 §4.5: only the source
      // fragments), so df-bit does not apply to them and their senders switch nothing
      plane = new DataPlane(new SaDatabase(pair -> childSas.retire(pair)), inner,
          new DfSwitchingSender(udpSender(cfg, socket), udpDf),
          rawSocket == null ? null : new DfSwitchingSender(rawSocket.sender(), new SockoptDfSwitch(rawSocket.fd())),
          socket6 == null ? null : udpSender(cfg, socket6),
          rawSocket6 == null ? null : rawSocket6.sender(),
          this::punt);
      icmp = openIcmp();
      plane.outbound().icmpSender(icmp == null ? IcmpSender.NONE : icmp);
      icmp6 = openIcmp6();
      plane.outbound().icmp6Sender(icmp6 == null ? Icmp6Sender.NONE : icmp6);
      // RFC 7296 leaves IKE flooding to the implementation: punts to ike-service are rate-limited here
      plane.inbound().puntRateLimiter(new PuntRateLimiter(cfg.ikePuntPerSource(), cfg.ikePuntGlobal()));
      plane.sad().policyEvents(new DynamicPolicyEvents());
      if (inner instanceof TunDevice && cfg.routes()) {
        negotiatedRoutes = new NegotiatedRoutes(NegotiatedRoutes.ipRoute(inner.name()));
      }
      socket.receiver(plane.inbound());
      if (rawSocket != null) {
        rawSocket.receiver(plane.inbound());
      }
      // one event loop serves every outer socket, so each InboundSa is still touched by one thread
      if (socket6 != null) {
        socket6.receiver(plane.inbound());
      }
      if (rawSocket6 != null) {
        rawSocket6.receiver(plane.inbound());
      }
      InnerPacketHandler outboundStage = plane.outbound();
      if (scaleOutSettings.enabled()) {
        // packets of SAs another instance owns go to it; those handed to us enter our pipelines on their threads
        SerialOutbound serial = new SerialOutbound(plane.outbound());
        outboundStage = serial;
        EspHandoff handoff = new EspHandoff(EspScaleOut.bus(vertx), System::nanoTime);
        plane.inbound().handoff(handoff);
        plane.outbound().handoff(handoff);
        handoffDelivery = new HandoffDelivery(group.next(), plane.inbound(), serial);
      }
      if (cfg.llqPriorityDscp() != null) {
        // the inner reader then only classifies and queues; sealing runs on the queue's own thread
        llq = new LlqCryptoQueue(outboundStage, cfg.llqPriorityDscp(), cfg.llqPriorityQueue(),
            cfg.llqBulkQueue(), cfg.llqSlotPacket()).start("esp-crypto-llq");
        LlqMetrics.register(Metrics.registry(), forwarderId, llq);
        LOG.info(() -> "esp-forwarder: LLQ before encryption, priority DSCP "
            + java.util.Arrays.toString(cfg.llqPriorityDscp()));
      }
      inner.start(llq != null ? llq : outboundStage);
      if (inner instanceof TunDevice && cfg.warmupPackets() > 0) {
        warmup = Thread.ofPlatform().name("esp-warmup").daemon().start(() -> warmUp(cfg));
      }
      BusSink sink = new BusSink();
      childSas = new ChildSaFeed(plane.sad(), factory, reservations, keyWrap, ipsecDebug, sink, new FeedHost(),
          clock::nowMillis, System::currentTimeMillis);
      if (scaleOutSettings.enabled()) {
        // a takeover reserves a fresh block, then reads the inbound window's checkpoint from ipsec.sa-counters
        SaInstaller.Reserver takeover = ReplayCheckpoints.onTakeover(childSas.reserver(),
            sa -> ReplayCheckpoints.read(counterMap, sa),
            (work, done) -> vertx.executeBlocking(work).onComplete(r -> done.accept(r.result(), r.cause())));
        ownership = new SaOwnership(scaleOutSettings.instanceId(), plane.sad(), takeover, new OwnershipEvents());
        HazelcastInstance hz = Cluster.hazelcast(vertx);
        scaleOut = new EspScaleOut(vertx, clock, scaleOutSettings, ownership, handoffDelivery,
            hz == null ? null : () -> hz.getCluster().getMembers().size());
        if (scaleOutSettings.steering()) {
          startSteering();
        }
      }
      supervisor = new SaSupervisor(forwarderId, plane.sad(), plane.acquires(), plane.invalidSpis(), clock,
          sink, this::localAddress);
      supervisor.jitter(() -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
      supervisor.start();
      if (ownership != null) {
        // the inbound windows' edges for an adopter, between the supervisor's once-a-second rows
        replayCheckpointer = new ReplayCheckpointer(plane.sad(), clock, supervisor::publishCounters);
        replayCheckpointer.start();
      }
      EspMetrics.register(Metrics.registry(), forwarderId, plane, inner);
      // crypto access check on clear-text packets: an nftables table in this namespace, by default
      // where the forwarder owns a TUN (it then routes between the outside and the LAN)
      boolean check = cfg.accessCheck() != null ? cfg.accessCheck() : inner instanceof TunDevice;
      accessCheck = check ? new ClearTextAccessCheck() : null;
      TunnelFeatureMetrics.register(Metrics.registry(), forwarderId, plane, accessCheck);
      if (accessCheck != null) {
        accessCheckTimer = vertx.setPeriodic(ACCESS_CHECK_POLL_MILLIS, id -> pollAccessCheck());
        supervisor.cleartextDrops(accessCheck::dropped);
      }
      easyVpn = new EasyVpnDataPath(plane.outbound(), plane.inbound(), LOG::info, scaleOut != null);
      listen();
      int receiveBuffer = socket.receiveBufferBytes();
      LOG.info(() -> "esp-forwarder " + forwarderId + ": UDP " + socket.localAddress()
          + (socket6 != null ? " and " + socket6.localAddress() : "") + ", receive buffer "
          + receiveBuffer / 1024 + " KiB, inner " + inner.name()
          + (scaleOut != null ? ", scale-out as " + scaleOutSettings.instanceId() : ""));
      if (receiveBuffer < 2 * SocketBuffers.BYTES) {
        LOG.warning("esp-forwarder: the ESP socket's receive buffer is " + receiveBuffer / 1024
            + " KiB, not " + 2 * SocketBuffers.BYTES / 1024 + " (no CAP_NET_ADMIN to pass"
            + " net.core.rmem_max): a multi-Gbit/s stream may lose UDP-GRO datagrams there (RcvbufErrors)");
      }
      Future<Void> members = scaleOut != null ? scaleOut.start() : Future.succeededFuture();
      return members.compose(x -> watchChildSaMap().mapEmpty()).compose(x -> firstConfigInForce());
    }).recover(e -> stop().transform(ignored -> Future.failedFuture(e)));
  }

  /**
   * Sends throwaway packets through the packet path over loopback ({@link DataPathWarmup}), on its own thread, so
   * that the first real packets do not run interpreted (a lone ping through two fresh gateways took 3–4 ms).
   */
  private void warmUp(EspForwarderSettings cfg) {
    UdpEncapSocket loopback = new UdpEncapSocket(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        NOT_YET, cfg.udpGro(), cfg.zeroUdpChecksum());
    try {
      loopback.bind();
      DfSwitch df = loopback.family() == Libc.AF_INET ? new SockoptDfSwitch(loopback.fd()) : DfSwitch.NONE;
      long start = System.nanoTime();
      List<DataPathWarmup.Result> results = new DataPathWarmup(loopback,
          new DfSwitchingSender(udpSender(cfg, loopback), df), System::nanoTime)
          .run(DataPathWarmup.DEFAULT_TRANSFORMS, cfg.warmupPackets(), start + WARMUP_LIMIT_NANOS);
      LOG.info(() -> "esp-forwarder: packet path warmed up over loopback in "
          + (System.nanoTime() - start) / 1_000_000 + " ms: " + results.stream()
          .map(r -> r.transform().iosName + " " + r.received() + "/" + r.sent()).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // only the first packets are slower without it (Netty's bind may rethrow a checked BindException unchecked)
      LOG.warning(() -> "esp-forwarder: no packet path warm-up: " + e);
    } finally {
      loopback.close();
    }
  }

  /**
   * Scale-out's inbound steering: each shared UDP socket (IPv4, IPv6: separate reuseport groups) probes its index,
   * publishes it on {@code fwd.steering}, and the lowest live instance attaches the groups' programs.
   */
  private void startSteering() {
    List<UdpEncapSocket> shared = socket6 == null ? List.of(socket) : List.of(socket, socket6);
    String self = scaleOutSettings.instanceId();
    java.security.SecureRandom random = new java.security.SecureRandom();
    steering = new ReuseportSteering(self, clock, shared.stream().map(UdpEncapSocket::steeringGroup).toList(),
        random::nextLong, new SteeringEvents(self));
    for (UdpEncapSocket s : shared) {
      s.probes(steering.probe(s.steeringGroup().name()));
    }
    steeringConsumer = vertx.eventBus().<FwdMessages.SteeringIndex>consumer(FwdMessages.STEERING,
        m -> steering.heard(m.body().instanceId(), m.body().group(), m.body().index()));
    scaleOut.onMembers(steering::members);
    steering.start();
  }

  /** What the steering does, on the bus and in the log (a change once, never per packet or per second). */
  private final class SteeringEvents implements ReuseportSteering.Events {
    private final String self;
    private final java.util.Map<String, Integer> told = new java.util.HashMap<>();
    private final java.util.Map<String, String> failed = new java.util.HashMap<>();

    SteeringEvents(String self) {
      this.self = self;
    }

    @Override
    public void index(String group, int index) {
      vertx.eventBus().publish(FwdMessages.STEERING, new FwdMessages.SteeringIndex(self, group, index));
      Integer before = told.put(group, index);
      if (before == null || before != index) {
        LOG.info(() -> "esp-forwarder " + self + ": socket " + group + " holds reuseport index "
            + (index < 0 ? "unknown" : index));
      }
    }

    @Override
    public void attached(String group, int[] indexOfBucket, int instructions) {
      failed.remove(group);
      long steered = java.util.Arrays.stream(indexOfBucket).filter(i -> i >= 0).count();
      LOG.info(() -> "esp-forwarder " + self + ": reuseport program on " + group + ": " + steered
          + " of 256 SPI buckets steered, " + instructions + " instructions");
    }

    @Override
    public void attachFailed(String group, String why) {
      if (!why.equals(failed.put(group, why))) {
        LOG.warning("esp-forwarder " + self + ": no reuseport program on " + group + " (" + why
            + "): ESP reaches its owner through the hand-off");
      }
    }
  }

  /** sendmmsg batches with zero checksums; UDP GSO batches (udpGso) or one sendto each with computed ones. */
  private static EspSender udpSender(EspForwarderSettings cfg, UdpEncapSocket socket) {
    if (cfg.zeroUdpChecksum()) {
      // over IPv6 the kernel computes the checksum anyway (SO_NO_CHECK is IPv4's; RFC 8200 §8.1 wants one)
      return socket.mmsgSender();
    }
    return cfg.udpGso() ? socket.gsoSender() : socket.nativeSender();
  }

  /**
   * The IPv6 UDP socket beside an IPv4 one ({@code bindAddress6}); none when IPv6 is off on this host (logged: IPv6
   * peers then have no socket, their packets count as send errors).
   */
  private UdpEncapSocket openUdp6(EspForwarderSettings cfg) throws InterruptedException {
    if (cfg.bind6() == null || socket.family() == Libc.AF_INET6) {
      return null;
    }
    // the same port as the IPv4 socket (which may have been 0 = any)
    InetSocketAddress at = new InetSocketAddress(cfg.bind6().getAddress(),
        cfg.bind6().getPort() == 0 ? socket.localAddress().getPort() : cfg.bind6().getPort());
    UdpEncapSocket s = new UdpEncapSocket(group, at, NOT_YET, cfg.udpGro(), cfg.zeroUdpChecksum()).v6Only();
    s.reusePort(scaleOutSettings.enabled());
    try {
      s.bind();
      return s;
    } catch (RuntimeException e) {
      s.close();
      LOG.warning("esp-forwarder: no IPv6 UDP socket on " + at + " (" + e.getMessage() + "): IPv4 peers only");
      return null;
    }
  }

  /** Drops what arrives before the data plane exists. */
  private static final OuterReceiver NOT_YET = new OuterReceiver() {
    @Override
    public void onEsp(PacketBuffer b, int o, int l, InetSocketAddress s) {
      // not started yet
    }

    @Override
    public void onIke(byte[] m, InetSocketAddress s, InetSocketAddress l) {
      // not started yet
    }

    @Override
    public void onKeepalive(InetSocketAddress s) {
      // not started yet
    }

    @Override
    public void onMalformed(InetSocketAddress s) {
      // not started yet
    }
  };

  /**
   * Raw ESP for {@code no crypto ipsec nat-transparency udp-encapsulation}: {@code rawEsp} auto (default:
   * open when permitted), on (must open) or off.
   */
  private RawEspSocket openRaw(EspForwarderSettings cfg, int family) throws IOException {
    if (cfg.rawEsp() == EspForwarderSettings.RawEsp.OFF) {
      return null;
    }
    try {
      return RawEspSocket.open(group, NOT_YET, family);
    } catch (IOException e) {
      if (cfg.rawEsp() == EspForwarderSettings.RawEsp.ON && family == Libc.AF_INET) {
        throw e;
      }
      LOG.info("esp-forwarder: no raw ESP socket (" + e.getMessage() + "), UDP-encapsulated SAs only");
      return null;
    }
  }

  private PacketPort openInner(EspForwarderSettings cfg) throws IOException {
    switch (cfg.innerPort()) {
      case NONE -> {
        return new DiscardPacketPort();
      }
      case UDP -> {
        return UdpInnerPort.open(cfg.innerUdpBind(), cfg.innerUdpPeer());
      }
      default -> { }
    }
    try {
      return TunDevice.open(cfg.tunName(), cfg.tunMtu(), cfg.tunTxQueueLen(), cfg.tunOffload(),
          scaleOutSettings.enabled());
    } catch (IOException | RuntimeException e) {
      if (cfg.innerPort() == EspForwarderSettings.InnerPort.TUN) {
        throw e;
      }
      LOG.warning("esp-forwarder: no TUN interface (" + e.getMessage() + "), running without an inner side");
      return new DiscardPacketPort();
    }
  }

  private void listen() {
    var bus = vertx.eventBus();
    bus.<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> {
      childSas.installed(m.body().sa());
      confirm(m.body());
    });
    bus.<SaMessages.ChildSaDeleted>consumer(SaMessages.CHILD_DELETED, m -> childSas.deleted(m.body().inboundSpi()));
    bus.<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> {
      if (m.body().facility() == MgmtMessages.Facility.IPSEC) {
        ipsecDebug.set(m.body().enabled());
      }
    });
    bus.<IkeMessages.IkeDatagram>consumer(IkeMessages.IKE_TX, m -> {
      IkeMessages.IkeDatagram d = m.body();
      InetSocketAddress to = endpoint(d.peerAddress(), d.peerPort());
      if (to != null) {
        outerSocket(to).sendIke(d.message(), to);
      }
    });
    bus.<NatKeepaliveMessages.SendKeepalives>consumer(NatKeepaliveMessages.SEND, m -> {
      for (NatKeepaliveMessages.Target t : m.body().targets()) {
        InetSocketAddress to = endpoint(t.peerAddress(), t.peerPort());
        if (to != null) {
          outerSocket(to).sendKeepalive(to);
        }
      }
    });
    bus.<EzvpnStatus>consumer(EzvpnMessages.STATUS, m -> routeEasyVpn(easyVpn.status(m.body())));
    configFollower = new ConfigFollower(vertx, "esp-forwarder", clock, this::applyConfig);
    configFollower.start();
  }

  /** The Easy VPN remotes' split-include routes into the TUN device, in order, off the event loop. */
  private void routeEasyVpn(EasyVpnDataPath.RouteChange change) {
    if (change.empty() || !(inner instanceof TunDevice) || !settings.routes()) {
      return;
    }
    TunRoutes routes = new TunRoutes(inner.name(), f -> LOG.warning("esp-forwarder: " + f));
    vertx.executeBlocking(() -> {
      routes.remove(change.remove());
      routes.removeAddresses(change.removeAddresses());
      routes.addAddresses(change.addAddresses());
      routes.add(change.add());
      return null;
    }, true);
  }

  /** The Easy VPN remotes' state already in the cluster map (a forwarder that starts after the tunnel came up). */
  private void readEasyVpnMap() {
    java.util.concurrent.ConcurrentMap<String, String> map = Cluster.map(vertx, SharedMaps.EZVPN);
    vertx.executeBlocking(() -> new ArrayList<>(map.values())).onSuccess(values -> values.forEach(json -> {
      try {
        routeEasyVpn(easyVpn.status(io.ipsecmesh.proto.bus.RecordJson.fromJson(
            new io.vertx.core.json.JsonObject(json), EzvpnStatus.class)));
      } catch (RuntimeException bad) {
        LOG.warning("esp-forwarder: an " + SharedMaps.EZVPN + " entry does not decode: " + bad.getMessage());
      }
    }));
  }

  /** The UDP socket towards {@code peer}: the IPv6 one for an IPv6 peer when there is one, else the main one. */
  private UdpEncapSocket outerSocket(InetSocketAddress peer) {
    return socket6 != null && peer.getAddress() instanceof java.net.Inet6Address ? socket6 : socket;
  }

  /** The peer of a bus request, or null (logged) when it is no address literal or port. */
  private static InetSocketAddress endpoint(String address, int port) {
    try {
      return new InetSocketAddress(Ip128.literal(address), port);
    } catch (IllegalArgumentException e) {
      LOG.warning("esp-forwarder: cannot send to " + address + ":" + port + ": " + e.getMessage());
      return null;
    }
  }

  /** Installs the Child SAs already in Hazelcast and follows the map (clustered Vert.x only). */
  private Future<?> watchChildSaMap() {
    HazelcastInstance hz = Cluster.hazelcast(vertx);
    if (hz == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      childSaMap = hz.getMap(SharedMaps.CHILD_SAS);
      childSaListener = childSaMap.addEntryListener(new ChildSaListener(), true);
      return new ArrayList<>(childSaMap.values());
    }).onSuccess(values -> values.forEach(childSas::mapEntry));
  }

  private final class ChildSaListener implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      childSas.mapEntry(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      childSas.mapEntry(e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      childSas.mapEntryRemoved(e.getKey());
    }
  }

  /** A newer configuration: rebuild the SPD, reconcile manual SAs, route protected networks. */
  private void applyConfig(long version, GatewayConfig changed) {
    List<String> unmapped = interfaceMap.problems(changed);
    if (!unmapped.isEmpty()) {
      // its access check and per-interface policy would name interfaces this host does not have:
      // refuse it loudly, the previous configuration stays
      unmapped.forEach(p -> LOG.severe("esp-forwarder: configuration " + version + " refused: " + p));
      firstKernelState.tryComplete();
      return;
    }
    config = changed;
    SecurityPolicyDatabase spd = EasyVpnDataPath.spd(SecurityPolicyDatabase.build(config), config);
    plane.sad().setSpd(spd);
    boolean readMap = !easyVpnConfigured;
    easyVpnConfigured = true;
    routeEasyVpn(easyVpn.configure(config));
    if (readMap) {
      readEasyVpnMap();
    }
    int manual = childSas.configure(config, problem -> LOG.warning("esp-forwarder: " + problem));
    applyDfBit();
    // the access check's table before the routes into the TUN: protected traffic is dropped, never forwarded in
    // clear, while the routes are not there yet
    Future<Void> kernel = applyAccessCheck();
    if (inner instanceof TunDevice && settings.routes()) {
      List<String> prefixes = KernelRoutes.protectedDestinations(config);
      String dev = inner.name();
      kernel = kernel.compose(x -> vertx.executeBlocking(() -> KernelRoutes.install(dev, prefixes)))
          .onSuccess(failures -> failures.forEach(f -> LOG.warning("esp-forwarder: " + f))).mapEmpty();
    }
    kernel.onComplete(x -> firstKernelState.tryComplete());
    LOG.info(() -> "esp-forwarder: configuration " + version + ", " + spd.size() + " crypto map entries, "
        + manual + " manual SAs");
  }

  /**
   * The negotiated policies of dynamic crypto maps, as the SAD reports them (under its lock, so only a flag here):
   * a refused one is logged, a change brings the routes up to date on the control context, once per burst.
   */
  private final class DynamicPolicyEvents implements SaDatabase.PolicyEvents {
    @Override
    public void changed() {
      if (negotiatedRoutes != null && routesDue.compareAndSet(false, true)) {
        control.runOnContext(v -> reconcileRoutes());
      }
    }

    @Override
    public void refused(SaPair pair, NegotiatedPolicies.Policy holder) {
      LOG.warning("esp-forwarder: crypto map " + pair.sa().cryptoMap() + " " + pair.sa().mapSequence()
          + " (dynamic): the SA " + String.format("%08X", pair.sa().inboundSpi()) + " of peer " + pair.sa().peerAddress()
          + " negotiated selectors that overlap those of peer " + holder.peer()
          + ": no outbound policy, the SA only receives (narrow the dynamic map with match address)");
    }
  }

  /**
   * Start completes once the first configuration's access check and routes are in the kernel, when config-service
   * had one to give: "started" then means protected LAN traffic goes into the tunnel or is dropped, never out in
   * clear. Bounded, so that a hanging nft or ip delays the start and does not stop it.
   */
  private Future<Void> firstConfigInForce() {
    Promise<Void> inForce = Promise.promise();
    long bound = vertx.setTimer(FIRST_CONFIG_WAIT_MILLIS, id -> {
      LOG.warning("esp-forwarder: the first configuration was not in force after " + FIRST_CONFIG_WAIT_MILLIS
          + " ms; starting anyway");
      inForce.tryComplete();
    });
    configFollower.firstAnswer()
        .compose(x -> configFollower.holds() ? firstKernelState.future() : Future.succeededFuture())
        .onComplete(x -> {
          vertx.cancelTimer(bound);
          inForce.tryComplete();
        });
    return inForce.future();
  }

  /** Routes for what dynamic crypto maps protect now; {@code ip route} runs on a worker, in order. */
  private void reconcileRoutes() {
    routesDue.set(false);
    NegotiatedRoutes routes = negotiatedRoutes;
    NegotiatedRoutes.Plan plan = NegotiatedRoutes.wanted(config, plane.sad().negotiatedPolicies(),
        KernelRoutes.protectedDestinations(config));
    plan.refused().forEach(r -> LOG.warning("esp-forwarder: " + r));
    vertx.executeBlocking(() -> routes.reconcile(plan.prefixes()))
        .onSuccess(failures -> failures.forEach(f -> LOG.warning("esp-forwarder: " + f)));
  }

  /**
   * df-bit, fragmentation and ip mtu per SA: those of the interface carrying its crypto map (its own
   * settings win over the global ones), which the outbound pipeline applies per packet; the first such
   * interface's as the default for SAs whose map is on no interface.
   */
  private void applyDfBit() {
    plane.outbound().mtuPolicy(TunnelMtuPolicy.of(config));
    for (SaPair p : plane.sad().pairs()) {
      p.outbound().mtuPolicy(TunnelMtuPolicy.forSa(config, p.sa().cryptoMap(), p.sa().localAddress()));
    }
  }

  /** Installs the access check's table on a worker; the future completes when nft has run (well or not). */
  private Future<Void> applyAccessCheck() {
    if (accessCheck == null) {
      return Future.succeededFuture();
    }
    ClearTextRuleset.Ruleset rules = ClearTextRuleset.of(config, interfaceMap);
    ClearTextAccessCheck check = accessCheck;
    return vertx.executeBlocking(() -> check.apply(rules)).onSuccess(error -> {
      if (error != null) {
        LOG.warning("esp-forwarder: crypto access check on clear-text packets not installed: " + error);
      }
    }).mapEmpty();
  }

  /** Reads the clear-text drop counters; a rise is logged with the IOS message name. */
  private void pollAccessCheck() {
    ClearTextAccessCheck check = accessCheck;
    long before = check.total();
    vertx.executeBlocking(check::poll, false).onSuccess(error -> {
      long now = check.total();
      if (now > before) {
        LOG.warning(() -> "%CRYPTO-4-RECVD_PKT_NOT_IPSEC: " + (now - before)
            + " clear-text packets that must be protected dropped on the outside interface, " + now + " in all");
      }
    });
  }

  /** The access check of this forwarder, or null when off (for tests). */
  public ClearTextAccessCheck accessCheck() {
    return accessCheck;
  }

  /** The raw ICMP socket for fragmentation-needed messages; null without CAP_NET_RAW (drops are still counted). */
  private static RawIcmpSender openIcmp() {
    try {
      return RawIcmpSender.open();
    } catch (java.io.IOException e) {
      LOG.info(() -> "esp-forwarder: no ICMP fragmentation-needed messages: " + e.getMessage());
      return null;
    }
  }

  /** The raw ICMPv6 socket for Packet Too Big messages; null without CAP_NET_RAW or IPv6 (drops are still counted). */
  private static RawIcmp6Sender openIcmp6() {
    try {
      return RawIcmp6Sender.open();
    } catch (java.io.IOException e) {
      LOG.info(() -> "esp-forwarder: no ICMPv6 Packet Too Big messages: " + e.getMessage());
      return null;
    }
  }

  /** The Child SA feed's worker, timers and counters map are this verticle's. */
  private final class FeedHost implements ChildSaFeed.Host {
    @Override
    public void onControl(Runnable task) {
      control.runOnContext(v -> task.run());
    }

    @Override
    public <T> void offControl(java.util.concurrent.Callable<T> work, java.util.function.BiConsumer<T, Throwable> done) {
      vertx.executeBlocking(work).onComplete(r -> done.accept(r.result(), r.cause()));
    }

    @Override
    public void after(long delayMillis, Runnable task) {
      vertx.setTimer(delayMillis, id -> task.run());
    }

    @Override
    public void countersGone(long inboundSpi) {
      String key = SharedMaps.spiKey(inboundSpi);
      vertx.executeBlocking(() -> counterMap.remove(key), false);
    }
  }

  private void punt(byte[] message, InetSocketAddress sender, InetSocketAddress local) {
    InetSocketAddress l = local != null ? local : outerSocket(sender).localAddress();
    vertx.eventBus().publish(FwdMessages.IKE_PUNT, new IkeMessages.IkeDatagram(Ip128.text(l.getAddress()),
        l.getPort(), Ip128.text(sender.getAddress()), sender.getPort(), message));
  }

  /**
   * Our address towards {@code peer}: the first crypto map interface's address of the peer's family, else the first
   * tunnel interface's source address of that family.
   */
  private String localAddress(String peer) {
    boolean v6 = peer != null && peer.indexOf(':') >= 0;
    for (InterfaceConfig i : config.interfaces()) {
      if (v6 && i.ipv6CryptoMap() != null && i.ipv6AddressOnly() != null) {
        return i.ipv6AddressOnly();
      }
      if (!v6 && i.cryptoMap() != null && i.ipAddress() != null) {
        return i.ipAddress();
      }
    }
    // else a tunnel interface's source of the peer's family (an IPv6 VTI's IPv6 tunnel source)
    for (InterfaceConfig t : config.ipsecTunnels()) {
      String source = config.tunnelSourceAddress(t);
      if (source != null && (source.indexOf(':') >= 0) == v6) {
        return source;
      }
    }
    UdpEncapSocket s = v6 && socket6 != null ? socket6 : socket;
    return Ip128.text(s.localAddress().getAddress());
  }

  /** The data plane of this verticle (tests). */
  public DataPlane dataPlane() {
    return plane;
  }

  public InetSocketAddress localSocketAddress() {
    return socket.localAddress();
  }

  @Override
  public Future<?> stop() {
    if (steering != null) {
      steering.stop();
    }
    if (steeringConsumer != null) {
      steeringConsumer.unregister();
    }
    if (scaleOut != null) {
      scaleOut.leave();
    }
    if (replayCheckpointer != null) {
      replayCheckpointer.stop();
    }
    if (configFollower != null) {
      configFollower.stop();
    }
    if (plane != null) {
      EspMetrics.unregister(plane);
      TunnelFeatureMetrics.unregister(plane);
    }
    if (accessCheckTimer >= 0) {
      vertx.cancelTimer(accessCheckTimer);
    }
    // in scale-out the other instances still need the host's access-check table
    ClearTextAccessCheck check = scaleOut == null ? accessCheck : null;
    HandoffDelivery delivery = handoffDelivery;
    Thread warming = warmup;
    return vertx.executeBlocking(() -> {
      if (warming != null) {
        warming.interrupt();
        warming.join(5_000);
      }
      if (delivery != null) {
        delivery.close();
      }
      if (childSaMap != null && childSaListener != null) {
        childSaMap.removeEntryListener(childSaListener);
      }
      if (inner != null) {
        inner.close();
      }
      if (llq != null) {
        LlqMetrics.unregister(llq);
        llq.close();
      }
      if (socket != null) {
        socket.close();
      }
      if (rawSocket != null) {
        rawSocket.close();
      }
      if (socket6 != null) {
        socket6.close();
      }
      if (rawSocket6 != null) {
        rawSocket6.close();
      }
      if (icmp != null) {
        icmp.close();
      }
      if (icmp6 != null) {
        icmp6.close();
      }
      if (check != null) {
        check.remove();
      }
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
      if (plane != null) {
        plane.sad().pairs().forEach(SaPair::destroyKeys);
      }
      return null;
    });
  }

  /** Whether this instance owns the SA on {@code inboundSpi} (always without scale-out). */
  /**
   * The ike-service that installed {@code i} may hold a message until the SA's inbound half decrypts here (its answer
   * as responder, RFC 7296 §2.8; the DELETE of the SA a rekey replaces): that is now confirmed, by the owner only
   * (scale-out: the one inbound ESP is steered to).
   */
  private void confirm(SaMessages.ChildSaInstalled i) {
    long spi = i.sa().inboundSpi();
    if (i.acceptedTo() != null && (ownership == null || ownership.remoteOwnerOf(i.sa()) == null)
        && plane.sad().acceptsInbound(spi)) {
      vertx.eventBus().send(i.acceptedTo(), new SaMessages.ChildSaAccepted(spi));
    }
  }

  private boolean ownedHere(long inboundSpi) {
    if (ownership == null) {
      return true;
    }
    SaPair p = plane.sad().get(inboundSpi);
    return p == null || p.remoteOwner() == null;
  }

  /** Ownership changes of scale-out, logged. */
  private final class OwnershipEvents implements SaOwnership.Events {
    @Override
    public void tookOver(SaPair pair, long firstSequence) {
      LOG.info(() -> "esp-forwarder " + scaleOutSettings.instanceId() + ": took over SA "
          + SharedMaps.spiKey(pair.sa().inboundSpi()) + " (outbound spi " + SharedMaps.spiKey(pair.sa().outboundSpi())
          + "), sending from sequence number " + firstSequence + ", accepting inbound above "
          + pair.inbound().replayTop());
      replayWindowClosed(pair);
    }

    /**
     * Taken over without a checkpoint of the inbound window (the SA is younger than its first row, or the row does
     * not verify): its inbound packets are refused as replays, and ike-service is asked for a new SA.
     */
    private void replayWindowClosed(SaPair pair) {
      if (!pair.inbound().replayClosed()) {
        return;
      }
      ChildSa sa = pair.sa();
      LOG.warning("esp-forwarder " + scaleOutSettings.instanceId() + ": took over SA "
          + SharedMaps.spiKey(sa.inboundSpi()) + " without a checkpoint of its anti-replay window in "
          + SharedMaps.SA_COUNTERS + ": refusing its inbound packets (the old owner may have accepted any of them)"
          + " and asking for a rekey");
      vertx.eventBus().send(FwdMessages.SA_EXPIRED, new FwdMessages.SaExpired(sa.inboundSpi(), sa.outboundSpi(),
          sa.peerAddress(), FwdMessages.Limit.SOFT, FwdMessages.Measure.REPLAY_CHECKPOINT));
    }

    @Override
    public void released(SaPair pair, String owner) {
      LOG.fine(() -> "esp-forwarder: SA " + SharedMaps.spiKey(pair.sa().inboundSpi()) + " now owned by " + owner);
    }

    @Override
    public void noSequenceNumbers(SaPair pair, String why) {
      LOG.warning("esp-forwarder: took over SA " + SharedMaps.spiKey(pair.sa().inboundSpi())
          + " but has no sequence numbers for it (" + why + "): not sending on it until a block is reserved");
      replayWindowClosed(pair);
    }
  }

  /** Control-plane output of the supervisor: bus, Hazelcast, log. Runs on this verticle's context. */
  private final class BusSink implements SaSupervisor.Sink, SaInstaller.Events {
    @Override
    public void acquire(FwdMessages.Acquire acquire) {
      vertx.eventBus().send(FwdMessages.ACQUIRE, acquire);
    }

    @Override
    public void invalidSpi(FwdMessages.InvalidSpi invalidSpi) {
      vertx.eventBus().send(FwdMessages.INVALID_SPI, invalidSpi);
    }

    @Override
    public void expired(FwdMessages.SaExpired expired) {
      if (!ownedHere(expired.inboundSpi())) {
        return; // the owner reports (scale-out)
      }
      SaPair p = ipsecDebug.on() ? plane.sad().get(expired.inboundSpi()) : null;
      if (p != null) {
        ipsecDebug.expired(p.sa(), expired.limit().name().toLowerCase(java.util.Locale.ROOT),
            expired.measure().name().toLowerCase(java.util.Locale.ROOT));
      }
      vertx.eventBus().send(FwdMessages.SA_EXPIRED, expired);
    }

    @Override
    public void idle(FwdMessages.SaIdle idle) {
      if (!ownedHere(idle.inboundSpi())) {
        return; // the packets go to the owner: idle here says nothing
      }
      vertx.eventBus().send(FwdMessages.SA_IDLE, idle);
    }

    @Override
    public void natMapping(FwdMessages.NatMapping moved) {
      LOG.info(() -> "esp-forwarder: SA " + SharedMaps.spiKey(moved.inboundSpi()) + " follows its peer to "
          + moved.peerAddress() + ":" + moved.peerPort() + " (authenticated ESP from there)");
      vertx.eventBus().send(FwdMessages.NAT_MAPPING, moved);
    }

    @Override
    public void activity(FwdMessages.ActivitySummary summary) {
      vertx.eventBus().publish(FwdMessages.ACTIVITY, summary);
    }

    @Override
    public void counters(List<SaCounters> all) {
      // scale-out: one row per SA, written by its owner only; its forwarder id names the owner in show crypto ipsec sa
      List<SaCounters> counters = ownership == null ? all : all.stream().filter(c -> ownedHere(c.inboundSpi())).toList();
      if (counters.isEmpty()) {
        return;
      }
      // ordered: a row never overwrites a newer one of the same SA, so a stored replay checkpoint only goes up
      vertx.executeBlocking(() -> {
        for (SaCounters c : counters) {
          counterMap.put(SharedMaps.spiKey(c.inboundSpi()), RecordJson.toJson(c).encode());
        }
        return null;
      }, true);
    }

    @Override
    public void log(String line) {
      LOG.log(Level.WARNING, line);
    }

    @Override
    public void reserveSequences(SaPair pair) {
      childSas.topUp(pair);
    }

    @Override
    public void built(SaPair pair) {
      if (ownership != null) {
        ownership.built(pair); // whose it is, before its first inbound packet
      }
      // the DF bit, fragmentation and ip mtu of the SA's own crypto map interface, before its first packet
      pair.outbound().mtuPolicy(TunnelMtuPolicy.forSa(config, pair.sa().cryptoMap(), pair.sa().localAddress()));
    }

    @Override
    public void installed(SaPair pair) {
      ChildSa sa = pair.sa();
      if (ownership != null) {
        ownership.installed(pair);
      }
      supervisor.started(pair);
      ipsecDebug.installed(sa);
      LOG.info(() -> "esp-forwarder: SA installed, crypto map " + sa.cryptoMap() + " " + sa.mapSequence()
          + ", inbound spi " + SharedMaps.spiKey(sa.inboundSpi()) + ", outbound spi "
          + SharedMaps.spiKey(sa.outboundSpi()) + ", peer " + sa.peerAddress() + (pair.manual() ? " (manual)" : "")
          + (sa.esn() ? ", ESN" : "") + (ownership == null ? "" : ", owner "
          + (pair.remoteOwner() == null ? ownership.self() : pair.remoteOwner())));
    }

    @Override
    public void noSequenceNumbers(SaPair pair, String why) {
      ChildSa sa = pair.sa();
      LOG.warning("esp-forwarder: no sequence numbers for outbound SPI " + SharedMaps.spiKey(sa.outboundSpi())
          + " (" + why + "): not sending on it, packets dropped and counted"
          + (pair.manual() ? "; a manual SA needs new session keys or a readable state directory" : ""));
    }

    @Override
    public void rekey(SaPair pair) {
      ChildSa sa = pair.sa();
      LOG.warning("esp-forwarder: asking for a rekey of SA " + SharedMaps.spiKey(sa.inboundSpi())
          + ": no sequence numbers for it");
      vertx.eventBus().send(FwdMessages.SA_EXPIRED, new FwdMessages.SaExpired(sa.inboundSpi(), sa.outboundSpi(),
          sa.peerAddress(), FwdMessages.Limit.SOFT, FwdMessages.Measure.SEQUENCE_RESERVATION));
    }

    @Override
    public void discard(SaPair pair) {
      childSas.discard(pair);
    }

  }
}

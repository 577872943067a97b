package io.ipsecmesh.bench.ike;

import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The IKEv2 engine alone, without bus, maps or forwarder: one IKE SA (IKE_SA_INIT + IKE_AUTH, X25519, PSK, one
 * Child SA, aes128gcm16-prfsha256-x25519 as {@code ike-loadtest.sh} negotiates) set up between two
 * {@link IkeEngine}s on an in-memory wire and a virtual clock. {@code establish} is initiator plus responder; the
 * responder's share (the time spent in its {@code receive}) is printed at the end of the trial as
 * {@code responder share}. The responder keeps every SA up, as in the load test's warm batch, up to
 * {@link #KEEP} SAs, then starts afresh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IkeEngineExchangeBenchmark {

  static final String A = "172.31.255.1";
  static final String B = "172.31.255.2";
  static final int KEEP = 2000;
  private static final KeyWrap WRAP = new KeyWrap(new byte[32]);
  private static final List<IkeSuite> SUITES = List.of(Proposals.parseSuite("aes128gcm16-prfsha256-x25519"));

  record Packet(String from, int fromPort, int toPort, byte[] bytes) {}

  /** The four messages of one exchange pair, as the initiator sent them and the responder answered. */
  record Captured(byte[] initRequest, byte[] initResponse, byte[] authRequest, byte[] authResponse) {}

  private final Deque<Packet> wire = new ArrayDeque<>();
  private final Counting bEvents = new Counting();
  private VirtualScheduler clock;
  private IkeEngine a;
  private IkeEngine b;
  private PeerPolicy aPolicy;
  private long responderNanos;
  private long established;

  @Setup(Level.Trial)
  public void setUp() {
    fresh();
  }

  private void fresh() {
    clock = new VirtualScheduler();
    PolicyStore aPolicies = new PolicyStore();
    PolicyStore bPolicies = new PolicyStore();
    aPolicy = policy(A, B, "10.91.1.0", "10.91.2.0");
    aPolicies.replace(List.of(aPolicy));
    bPolicies.replace(List.of(policy(B, A, "10.91.2.0", "10.91.1.0")));
    IkeEngine.Limits limits = new IkeEngine.Limits(KEEP + 100, 8192, 30_000, KEEP + 100,
        IkeEngine.Limits.DEFAULT_MAX_CHILD_SAS);
    a = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(A, lp, pp, m)), new IkeEventSink() {},
        aPolicies, WRAP, RetransmitPolicy.DEFAULT, limits, clock::nowMillis);
    b = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(B, lp, pp, m)), bEvents, bPolicies, WRAP,
        RetransmitPolicy.DEFAULT, limits, clock::nowMillis);
    bEvents.up = 0;
  }

  /** One IKE SA with its Child SA, initiator and responder. */
  @Benchmark
  public int establish() {
    if (bEvents.up >= KEEP) {
      fresh();
    }
    int before = bEvents.up;
    a.initiate(aPolicy);
    run(null);
    if (bEvents.up != before + 1) {
      throw new IllegalStateException("IKE SA not established (" + bEvents.up + " up)");
    }
    established++;
    return bEvents.up;
  }

  @TearDown(Level.Trial)
  public void report() {
    if (established > 0) {
      System.out.printf("%nresponder share: %.1f us per IKE SA (%d IKE SAs, responder holding up to %d)%n",
          responderNanos / 1000.0 / established, established, KEEP);
    }
  }

  private void run(List<byte[]> record) {
    for (int i = 0; i < 100 && !wire.isEmpty(); i++) {
      Packet p = wire.poll();
      if (record != null) {
        record.add(p.bytes());
      }
      if (p.from().equals(A)) {
        long t0 = System.nanoTime();
        b.receive(B, p.toPort(), A, p.fromPort(), p.bytes());
        for (Long spi; (spi = bEvents.installed.poll()) != null; ) {
          b.childSaAccepted(spi); // the forwarder's sa.child.accepted: the IKE_AUTH answer leaves on it
        }
        responderNanos += System.nanoTime() - t0;
      } else {
        a.receive(A, p.toPort(), B, p.fromPort(), p.bytes());
      }
    }
  }

  /** One exchange pair's four messages, for the codec benchmarks. */
  static Captured capture() {
    IkeEngineExchangeBenchmark x = new IkeEngineExchangeBenchmark();
    x.fresh();
    x.a.initiate(x.aPolicy);
    List<byte[]> sent = new ArrayList<>();
    x.run(sent);
    if (sent.size() < 4) {
      throw new IllegalStateException("expected 4 messages, got " + sent.size());
    }
    return new Captured(sent.get(0), sent.get(1), sent.get(2), sent.get(3));
  }

  static PeerPolicy policy(String local, String peer, String localNet, String remoteNet) {
    byte[] psk = "load-tester-psk-0123456789".getBytes(StandardCharsets.UTF_8);
    Ikev2Profile profile = new Ikev2Profile("p", List.of(), null, "pre-share", "pre-share", null, null, null,
        List.of(new IdentityMatch(IkeIdentity.Type.FQDN, local.equals(A) ? "gwb.bench.test" : "gwa.bench.test",
            false)), null, List.of());
    PeerAuthorization remote = ConfigPolicies.authorization(GatewayConfig.empty(), profile, null, TrustStore.EMPTY);
    return new PeerPolicy("VPN", 10, peer, local,
        new PeerPolicy.Identity(IkeConstants.ID_FQDN, local.equals(A) ? "gwa.bench.test" : "gwb.bench.test"),
        remote, psk, psk, SUITES, List.of(EspTransform.AES_GCM_128), null, List.of(net(localNet)),
        List.of(net(remoteNet)), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0, "copy", 86400, null);
  }

  private static TrafficSelector net(String base0) {
    String base = base0.substring(0, base0.lastIndexOf('.'));
    return TrafficSelector.anyPorts(base + ".0", base + ".255");
  }

  /**
   * Counts the responder's IKE SAs up and keeps the Child SAs it installed for the forwarder's confirmation; everything
   * else is dropped as a sink with no bus would.
   */
  private static final class Counting implements IkeEventSink {
    int up;
    final Deque<Long> installed = new ArrayDeque<>();

    @Override
    public void childSaInstalled(ChildSa sa) {
      installed.add(sa.inboundSpi());
    }

    @Override
    public void ikeSaUp(IkeSaSummary summary, String cryptoMap, int mapSequence) {
      up++;
    }
  }
}

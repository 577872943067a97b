package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two engines ("a" at 172.31.255.1, "b" at 172.31.255.2) on one virtual clock and an in-memory
 * network that delivers datagrams in order, can drop them, and can rewrite a's address as a NAT would.
 */
final class TestPeers {

  static final String A = "172.31.255.1";
  static final String B = "172.31.255.2";
  static final KeyWrap WRAP = new KeyWrap(new byte[32]);

  record Packet(String from, int fromPort, String to, int toPort, byte[] bytes) {}

  final VirtualScheduler clock = new VirtualScheduler();
  final Deque<Packet> wire = new ArrayDeque<>();
  final List<Packet> sent = new ArrayList<>();
  final Recorder aEvents = new Recorder();
  final Recorder bEvents = new Recorder();
  final PolicyStore aPolicies = new PolicyStore();
  final PolicyStore bPolicies = new PolicyStore();
  final IkeEngine a;
  /** b, or the engine that replaced it (a takeover, {@link #replaceB}). */
  IkeEngine b;
  /** The recorder of b's current engine: its forwarder confirms what that engine installs. */
  private Recorder bNow = bEvents;
  Predicate<Packet> drop = p -> false;
  /** When set, a's packets appear to b as coming from this address/port offset (a NAT). */
  String natAddress;
  /**
   * Both engines receive as from sockets bound to the wildcard, as IkeVerticle's and the forwarder's are: the
   * datagram names 0.0.0.0 as its local address ({@code IkeServiceSettings.effectiveLocalAddress()}).
   */
  boolean wildcardSockets;
  /** The engines' own addresses on the wire ({@link #A} and {@link #B} unless given). */
  final String addressA;
  final String addressB;

  TestPeers() {
    this(IkeEngine.Limits.DEFAULT);
  }

  TestPeers(IkeEngine.Limits bLimits) {
    this(A, B, bLimits);
  }

  /** Two engines at these addresses (IPv6 ones make an IPv6 wire: IKE over IPv6, RFC 7296 §2.1 unchanged). */
  TestPeers(String addressA, String addressB) {
    this(addressA, addressB, IkeEngine.Limits.DEFAULT);
  }

  private TestPeers(String addressA, String addressB, IkeEngine.Limits bLimits) {
    this.addressA = addressA;
    this.addressB = addressB;
    a = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(addressA, lp, pa, pp, m)), aEvents, aPolicies,
        WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
    b = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(addressB, lp, pa, pp, m)), bEvents, bPolicies,
        WRAP, RetransmitPolicy.DEFAULT, bLimits, clock::nowMillis);
    a.setDebug(true);
    b.setDebug(true);
  }

  /** Delivers until the wire is quiet (bounded, so a message loop fails the test instead of hanging). */
  void run() {
    for (int i = 0; i < 1000 && !confirmInstalls().wire.isEmpty(); i++) {
      Packet p = wire.poll();
      sent.add(p);
      if (drop.test(p)) {
        continue;
      }
      if (p.from().equals(addressA)) {
        String src = natAddress == null ? addressA : natAddress;
        int port = natAddress == null ? p.fromPort() : p.fromPort() + 10000;
        b.receive(wildcardSockets ? "0.0.0.0" : addressB, p.toPort(), src, port, p.bytes());
      } else {
        int port = natAddress == null ? p.toPort() : p.toPort() - 10000;
        a.receive(wildcardSockets ? "0.0.0.0" : addressA, port, addressB, p.fromPort(), p.bytes());
      }
    }
  }

  /** Each side's forwarder confirms the Child SAs its engine installed: what waited for them leaves. */
  TestPeers confirmInstalls() {
    aEvents.confirmTo(a::childSaAccepted);
    bNow.confirmTo(b::childSaAccepted);
    return this;
  }

  /** b is now {@code engine}, reporting to {@code events} (kill -9 of b and an adopter in its place). */
  void replaceB(IkeEngine engine, Recorder events) {
    b = engine;
    bNow = events;
  }

  void advance(long millis) {
    clock.advance(millis);
    run();
  }

  /** Gives each side its policies, lets A initiate its first one and delivers until the wire is quiet. */
  TestPeers connect(List<PeerPolicy> aPolicyList, List<PeerPolicy> bPolicyList) {
    aPolicies.replace(aPolicyList);
    bPolicies.replace(bPolicyList);
    a.initiate(aPolicyList.get(0));
    run();
    return this;
  }

  /** B refused A's authentication: no Child SA left at either side, no IKE SA, A saw auth-failed. */
  void assertAuthenticationRefused() {
    assertEquals(List.of(), aEvents.installed, "no Child SA at A");
    List<Long> bLive = new ArrayList<>(bEvents.installed.stream().map(ChildSa::inboundSpi).toList());
    bEvents.deleted.forEach(d -> bLive.remove(d.inboundSpi()));
    assertEquals(List.of(), bLive, "no Child SA left at B");
    assertEquals(0, a.ikeSaCount(), "no IKE SA at A");
    assertEquals(0, b.ikeSaCount(), "no IKE SA at B");
    assertTrue(aEvents.down.stream().anyMatch(d -> d.endsWith("auth-failed")), aEvents.down.toString());
  }

  static PeerPolicy policy(String local, String peer, String localNet, String remoteNet, String psk,
      List<IkeSuite> suites, List<EspTransform> esp) {
    return new PeerPolicy("vpn", 10, peer, local,
        new PeerPolicy.Identity(IkeConstants.ID_FQDN, local.equals(A) ? "gwa.interop.test" : "gwb.interop.test"),
        profileMatching(local.equals(A) ? "gwb.interop.test" : "gwa.interop.test"),
        psk.getBytes(StandardCharsets.UTF_8), psk.getBytes(StandardCharsets.UTF_8), suites, esp, null,
        List.of(net(localNet)), List.of(net(remoteNet)), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0, "copy", 86400);
  }

  /**
   * What ConfigPolicies makes of a profile with {@code match identity remote fqdn NAME} and
   * {@code authentication remote pre-share}: the peer must claim that name (production never accepts any ID).
   */
  static PeerAuthorization profileMatching(String fqdn) {
    return profileMatching(fqdn, "pre-share", null);
  }

  /** The same with {@code authentication remote METHOD}, certificates verified with {@code credentials}' CAs. */
  static PeerAuthorization profileMatching(String fqdn, String method, io.ipsecmesh.ike.policy.Credentials credentials) {
    Ikev2Profile profile = new Ikev2Profile("p", List.of(), null, method, method, null, null, null,
        List.of(new IdentityMatch(IkeIdentity.Type.FQDN, fqdn, false)), null, List.of());
    return ConfigPolicies.authorization(GatewayConfig.empty(), profile, credentials, TrustStore.EMPTY);
  }

  static TrafficSelector net(String cidr24) {
    String base = cidr24.substring(0, cidr24.lastIndexOf('.'));
    return TrafficSelector.anyPorts(base + ".0", base + ".255");
  }

  static final List<IkeSuite> GCM = List.of(Proposals.parseSuite("aes128gcm16-prfsha256-x25519"));

  void symmetric(List<IkeSuite> suites, List<EspTransform> esp) {
    aPolicies.replace(List.of(policy(A, B, "10.91.1.0", "10.91.2.0", "interop-test-psk-0123456789", suites, esp)));
    bPolicies.replace(List.of(policy(B, A, "10.91.2.0", "10.91.1.0", "interop-test-psk-0123456789", suites, esp)));
  }

  static DhGroup groupOf(List<IkeSuite> s) {
    return s.get(0).dh();
  }

  /** Records what an engine reported. */
  static final class Recorder implements IkeEventSink {
    final List<ChildSa> installed = new ArrayList<>();
    final List<ChildSaDeleted> deleted = new ArrayList<>();
    final List<IkeSaSummary> up = new ArrayList<>();
    final List<String> down = new ArrayList<>();
    int liveness;

    /** The inbound SPIs installed that the forwarder this recorder stands for has not confirmed yet. */
    final Deque<Long> unconfirmed = new ArrayDeque<>();
    /** Whether that forwarder confirms at all (false: one that is down, what waits for it waits out the bound). */
    boolean confirms = true;

    @Override
    public void childSaInstalled(ChildSa sa) {
      installed.add(sa);
      if (confirms) {
        unconfirmed.add(sa.inboundSpi());
      }
    }

    /** What a forwarder does once the install arrives on its control context: confirms it ({@code sa.child.accepted}). */
    void confirmTo(java.util.function.LongConsumer accepted) {
      for (Long spi; (spi = unconfirmed.poll()) != null; ) {
        accepted.accept(spi);
      }
    }

    @Override
    public void childSaDeleted(ChildSaDeleted d) {
      deleted.add(d);
    }

    final List<ChildSa> rebound = new ArrayList<>();

    @Override
    public void childSaRebound(ChildSa sa) {
      rebound.add(sa);
    }

    @Override
    public void ikeSaUp(IkeSaSummary summary, String cryptoMap, int mapSequence) {
      up.add(summary);
    }

    @Override
    public void ikeSaDown(IkeSaSummary summary, String reason) {
      down.add(reason);
    }

    @Override
    public void summaryChanged(IkeSaSummary summary) {}

    @Override
    public void livenessProof(String ikeSaId, String peerAddress) {
      liveness++;
    }
  }
}

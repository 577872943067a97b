package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Policy;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ikev2Proposal;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the IKEv2 engine's receive path: one datagram from the peer's address
 * to a responder whose policies come from a configuration through the production path ({@link
 * ConfigPolicies#from} → {@link PolicyStore}, as {@code IkeVerticle} applies {@code config.changed}), on a
 * virtual clock that then runs 60 s so that the timers the datagram armed fire too. The configuration is
 * gwb of the strongSwan captures, so the captured IKE_SA_INIT requests (corpus {@code
 * IkeEngineFuzzTestInputs/receive/}) are answered and the fuzzer starts inside the exchanges.
 *
 * <p>Property: {@link IkeEngine#receive} never meets an internal error (it catches and logs them as {@code
 * after internal error}: this target fails on that log line), answers with at most one datagram per
 * request, and keeps at most one half-open IKE SA per datagram.
 */
class IkeEngineFuzzTest {

  static final String GWA = "172.31.255.1";
  static final String GWB = "172.31.255.2";
  private static final List<PeerPolicy> POLICIES = ConfigPolicies.from(gwb(), GWB);

  /**
   * gwb of the captures as IOS text:
   *
   * <pre>
   * crypto ikev2 proposal P1
   *  encryption aes-gcm-128 aes-cbc-256
   *  integrity sha256
   *  prf sha256
   *  group 31 14
   * crypto ikev2 policy POL
   *  proposal P1
   * crypto ikev2 keyring KR
   *  peer gwa
   *   address 172.31.255.1
   *   pre-shared-key interop-test-psk-0123456789
   * crypto ikev2 profile PROF
   *  match identity remote address 172.31.255.1 255.255.255.255
   *  authentication local pre-share
   *  authentication remote pre-share
   *  keyring local KR
   * crypto ipsec transform-set GCM esp-gcm 128
   * crypto ipsec transform-set CBC esp-aes 256 esp-sha256-hmac
   * access-list 101 permit ip 10.91.2.0 0.0.0.255 10.91.1.0 0.0.0.255
   * crypto map VPN 10 ipsec-isakmp
   *  set peer 172.31.255.1
   *  set transform-set GCM CBC
   *  set ikev2-profile PROF
   *  match address 101
   * interface wan0
   *  ip address 172.31.255.2 255.255.255.0
   *  crypto map VPN
   * </pre>
   */
  static GatewayConfig gwb() {
    String psk = "interop-test-psk-0123456789";
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.91.2.0", "0.0.0.255"), null,
            new AddressMatch("10.91.1.0", "0.0.0.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(GWA),
        List.of("GCM", "CBC"), null, null, "101", "PROF", null, null);
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("GCM", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL),
            new TransformSet("CBC", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("wan0", GWB, "255.255.255.0", null, "VPN", null, null)))
        .ikev2Proposals(List.of(new Ikev2Proposal("P1", List.of("aes-gcm-128", "aes-cbc-256"), List.of("sha256"),
            List.of("sha256"),
            List.of(31, 14))))
        .ikev2Policies(List.of(new Ikev2Policy("POL", List.of("P1"), List.of())))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(new Ikev2KeyringPeer("gwa", GWA, null, psk, psk)))))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of(GWA + " 255.255.255.255"), null, "pre-share",
            "pre-share", "KR",
            null, null)))
        .build();
  }

  @FuzzTest
  void receive(byte[] datagram) {
    Responder r = new Responder();
    InternalErrors errors = InternalErrors.watch();
    try {
      r.engine.receive(GWB, 500, GWA, 500, datagram);
      assertTrue(r.sent.size() <= 1, "one request, at most one answer: " + r.sent.size());
      r.clock.advance(60_000);
    } finally {
      errors.close();
    }
    assertEquals(List.of(), errors.records, "internal error in the receive path");
    assertTrue(r.events.installed.isEmpty(), "a Child SA from one unauthenticated datagram");
  }

  /** The seeds reach the exchanges: strongSwan's captured IKE_SA_INIT request gets an IKE_SA_INIT response. */
  @Test
  void theResponderAnswersTheCapturedIkeSaInitRequest() throws Exception {
    assertEquals(1, POLICIES.size(), "the configuration resolves to gwa's policy");
    for (String seed : List.of("ikev2-psk-cbc-frame001-172.31.255.1-to-172.31.255.2",
        "ikev2-psk-gcm-dpd-frame001-172.31.255.1-to-172.31.255.2")) {
      Responder r = new Responder();
      byte[] request;
      try (InputStream in = IkeEngineFuzzTest.class.getResourceAsStream("IkeEngineFuzzTestInputs/receive/" + seed)) {
        request = in.readAllBytes();
      }
      r.engine.receive(GWB, 500, GWA, 500, request);
      assertEquals(1, r.sent.size(), seed);
      IkeMessage answer = IkeCodec.decode(r.sent.getFirst());
      assertEquals(IkeConstants.IKE_SA_INIT, answer.header().exchangeType(), seed);
      assertTrue(answer.payloads().stream().anyMatch(p -> p instanceof Payload.SecurityAssociation),
          seed + ": a proposal was chosen");
    }
  }

  /** gwb: a fresh engine on a virtual clock, policies from {@link #gwb()} through the production path. */
  private static final class Responder {
    final VirtualScheduler clock = new VirtualScheduler();
    final List<byte[]> sent = new ArrayList<>();
    final TestPeers.Recorder events = new TestPeers.Recorder();
    final IkeEngine engine;

    Responder() {
      PolicyStore policies = new PolicyStore();
      policies.replace(POLICIES);
      engine = new IkeEngine(clock, (la, lp, pa, pp, m) -> sent.add(m), events, policies, TestPeers.WRAP,
          RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
    }
  }

  /** Collects the engine's "dropped … after internal error" log records (RuntimeExceptions it caught). */
  static final class InternalErrors extends Handler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("io.ipsecmesh.ike");
    final List<String> records = new ArrayList<>();

    static InternalErrors watch() {
      InternalErrors h = new InternalErrors();
      LOG.addHandler(h);
      return h;
    }

    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getMessage() != null
          && r.getMessage().contains("internal error")) {
        records.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      LOG.removeHandler(this);
    }
  }
}

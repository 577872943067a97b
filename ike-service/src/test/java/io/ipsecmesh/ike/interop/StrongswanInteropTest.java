package io.ipsecmesh.ike.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.StrongswanHarness.Peer;
import io.ipsecmesh.testsupport.TestPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * This gateway's IKEv2 against strongSwan 5.9.8 (Debian charon, kernel-libipsec) in network
 * namespaces {@code ikegwa}/{@code ikegwb} built by the strongSwan harness of test-support ({@code /interop}).
 * The Java side runs as a child JVM ({@link InteropPeer}) started with {@code ip netns exec}, because
 * a JVM cannot place a socket in another namespace. Proof of agreement on the Child SA keys without a
 * data plane: charon at log level 4 prints the Child SA encryption keys, which must equal the keys
 * our side derived (unwrapped with the KEK we gave the child JVM); the SPIs must be those
 * {@code swanctl --list-sas} shows. Needs root and strongSwan; skipped with the reason otherwise.
 * Namespaces and daemons are removed in {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StrongswanInteropTest {

  private static final String PSK = "interop-test-psk-0123456789";
  /**
   * The child JVMs run with this JVM's KEK: the Child SA records they print carry sealed keys that only the
   * same KEK opens here (RecordJson binds and seals them under it).
   */
  private static final String KEK_HEX = java.util.HexFormat.of().formatHex(
      io.ipsecmesh.proto.kek.ProcessKek.current().rawKey());
  private static final Map<String, String> NAMESPACES = Map.of("NS_A", "ikegwa", "NS_B", "ikegwb", "NS_LAN_A",
      "ikelana", "NS_LAN_B", "ikelanb");

  private StrongswanHarness harness;

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswan("charon-systemd strongswan-swanctl libcharon-extra-plugins "
        + "libstrongswan-standard-plugins", "libcharon-extra-plugins / libstrongswan-standard-plugins",
        "kernel-libipsec", "gcm", "curve25519", "openssl");
    harness = StrongswanHarness.create("ike-interop-", NAMESPACES, KEK_HEX, "profiles/ikev2-gcm.env",
        "profiles/ikev2-cbc.env");
    harness.netnsUp();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void ourInitiatorEstablishesWithStrongswanResponderAndRekeysWithPfs() throws Exception {
    harness.script(Map.of("LOG_IKE", "4", "LOG_CHD", "4", "ESP_PROPOSALS", "aes128gcm16-x25519"), "charon-start.sh",
        "ikegwb", "ikev2-gcm");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true, "--pfs", "31", "--ike-lifetime", "8");
      ChildSa ours = peer.child();
      peer.await("UP "); // the first IKE SA; the one the rekey makes is awaited below
      String log = harness.awaitLog("ikegwb", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = harness.script(Map.of(), "sw.sh", "ikegwb", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      assertTrue(sas.contains(String.format("out %08x", ours.inboundSpi())), sas);
      assertTrue(sas.contains("ESTABLISHED"), sas);
      // we initiated: strongSwan's "initiator key" is our outbound key
      harness.assertKeysEqual(ours, log, true);
      assertTrue(ours.udpEncapsulation(), "kernel-libipsec fakes NAT: ESP must be UDP-encapsulated");
      assertEquals(4500, ours.peerPort());

      // soft lifetime → CREATE_CHILD_SA with N(REKEY_SA) and a KE (set pfs group31), then DELETE of the old SA
      peer.command(String.format("rekey %08x", ours.inboundSpi()));
      ChildSa rekeyed = peer.child();
      String log2 = harness.awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o",
          rekeyed.outboundSpi(), rekeyed.inboundSpi()));
      harness.awaitLog("ikegwb", "received DELETE for ESP CHILD_SA with SPI "
          + String.format("%08x", ours.inboundSpi()));
      harness.assertKeysEqual(rekeyed, log2, true);
      String sas2 = harness.script(Map.of(), "sw.sh", "ikegwb", "--list-sas");
      assertTrue(sas2.contains(String.format("in  %08x", rekeyed.outboundSpi())), sas2);
      assertTrue(sas2.contains("CURVE_25519"), "the rekeyed Child SA used PFS: " + sas2);

      // after 8 s our IKE lifetime ends: we rekey the IKE SA (§2.18), the Child SA moves over
      String[] newIke = peer.await("UP ").split(" ")[2].split(":");
      harness.awaitLog("ikegwb", "received DELETE for IKE_SA gw[1]");
      assertIkeSaAt("ikegwb", newIke);
      assertRebound(peer.child(), rekeyed, newIke);
      // a Child SA rekey under the new IKE SA: equal keys prove both sides derived the same new SK_d
      peer.command(String.format("rekey %08x", rekeyed.inboundSpi()));
      ChildSa third = peer.child();
      String log3 = harness.awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", third.outboundSpi(),
          third.inboundSpi()));
      harness.assertKeysEqual(third, log3, true);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwb");
      harness.stopPeers();
    }
  }

  @Test
  void wrongPskFailsWithAuthenticationFailedOnBothSides() throws Exception {
    harness.script(Map.of("PSK", "not-the-interop-psk-987654321"), "charon-start.sh", "ikegwb", "ikev2-gcm");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true);
      assertEquals("DOWN negotiation-failed: auth-failed", peer.await("DOWN "));
      String log = harness.awaitLog("ikegwb", "generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]");
      assertTrue(log.contains("but MAC mismatched"), "strongSwan rejected our AUTH");
      assertTrue(!harness.script(Map.of(), "sw.sh", "ikegwb", "--list-sas").contains("ESTABLISHED"));
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwb");
      harness.stopPeers();
    }
  }

  @Test
  void strongswanInitiatorEstablishesWithOurResponder() throws Exception {
    Peer peer = startPeer("ikegwb", "172.31.255.2", "172.31.255.1", PSK, "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24", false);
    harness.script(Map.of("LOG_IKE", "4", "LOG_CHD", "4"), "charon-start.sh", "ikegwa", "ikev2-gcm");
    try {
      String out = harness.script(Map.of(), "sw.sh", "ikegwa", "--initiate", "--child", "net", "--timeout", "20");
      assertTrue(out.contains("CHILD_SA net{1} established"), out);
      ChildSa ours = peer.child();
      peer.await("UP "); // the first IKE SA; the one the rekey makes is awaited below
      String log = harness.awaitLog("ikegwa", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      // strongSwan initiated: its "initiator key" is our inbound key
      harness.assertKeysEqual(ours, log, false);
      assertEquals(List.of(new io.ipsecmesh.proto.sa.TrafficSelector("10.91.2.0", "10.91.2.255", 0, 0, 65535)),
          ours.localSelectors());

      // strongSwan rekeys the Child SA: we answer CREATE_CHILD_SA, then its DELETE of the old one
      String rekeyOut = harness.script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--child", "net");
      assertTrue(rekeyOut.contains("rekey completed successfully"), rekeyOut);
      ChildSa rekeyed = peer.child();
      String log2 = harness.awaitLog("ikegwa", String.format("established with SPIs %08x_i %08x_o",
          rekeyed.outboundSpi(), rekeyed.inboundSpi()));
      harness.assertKeysEqual(rekeyed, log2, false);
      assertEquals("DELETED " + String.format("%08x", ours.inboundSpi()), peer.await("DELETED "));

      // strongSwan rekeys the IKE SA; then a Child SA rekey under the new one checks the new SK_d
      String ikeOut = harness.script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--ike", "gw");
      assertTrue(ikeOut.contains("rekey completed successfully"), ikeOut);
      String[] newIke = peer.await("UP ").split(" ")[2].split(":");
      assertIkeSaAt("ikegwa", newIke);
      assertRebound(peer.child(), rekeyed, newIke);
      String again = harness.script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--child", "net");
      assertTrue(again.contains("rekey completed successfully"), again);
      ChildSa third = peer.child();
      assertEquals(String.join(":", newIke), third.ikeSaId());
      String log3 = harness.awaitLog("ikegwa", String.format("established with SPIs %08x_i %08x_o", third.outboundSpi(),
          third.inboundSpi()));
      harness.assertKeysEqual(third, log3, false);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwa");
      harness.stopPeers();
    }
  }

  /**
   * Extended Sequence Numbers (RFC 7296 §3.3.2 transform type 5) with strongSwan offering only ESN
   * ({@code aes128gcm16-esn}): our responder chooses ESN and answers with it, strongSwan accepts the answer
   * ({@code selected proposal: …/EXT_SEQ}) and both derive the same keys. Traffic cannot follow on this machine:
   * strongSwan's userspace ESP refuses ESN SAs ({@code IPsec SA: ESN not supported}, libipsec) and the kernel has
   * no ESP for its netlink backend, so strongSwan deletes the Child SA it could not install; the ESN data path is
   * proven against scapy ({@code EspScapyOracleTest}) and forwarder to forwarder across 2^32
   * ({@code SequenceSpaceTest}).
   */
  @Test
  void extendedSequenceNumbersAreNegotiatedWithStrongswan() throws Exception {
    Peer peer = startPeer("ikegwb", "172.31.255.2", "172.31.255.1", PSK, "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24", false);
    harness.script(Map.of("LOG_IKE", "4", "LOG_CHD", "4", "ESP_PROPOSALS", "aes128gcm16-esn"), "charon-start.sh",
        "ikegwa", "ikev2-gcm");
    try {
      harness.script(Map.of(), "sw.sh", "ikegwa", "--initiate", "--child", "net", "--timeout", "20");
      ChildSa ours = peer.child();
      assertTrue(ours.esn(), "our responder chose ESN from strongSwan's offer");
      String log = harness.awaitLog("ikegwa", "selected proposal: ESP:AES_GCM_16_128/EXT_SEQ");
      harness.assertKeysEqual(ours, log, false);
      harness.awaitLog("ikegwa", "ESN not supported");
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwa");
      harness.stopPeers();
    }
  }

  @Test
  void cbcHmacModpSuiteWithStrongswan() throws Exception {
    harness.script(Map.of("LOG_IKE", "4", "LOG_CHD", "4"), "charon-start.sh", "ikegwb", "ikev2-cbc");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true, "--ike", "aes256-sha256-modp2048", "--esp",
          "AES_CBC_256_HMAC_SHA256_128");
      ChildSa ours = peer.child();
      String log = harness.awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi()));
      assertTrue(log.contains("selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"),
          "IKE SA with AES-CBC + HMAC-SHA2-256 and MODP-2048");
      // AES-256 key and HMAC-SHA-256 key per direction: 64 bytes, in the order the forwarder expects
      assertEquals(64, new KeyWrap(HexFormat.of().parseHex(KEK_HEX)).unwrap(ours.wrappedInboundKeys()).length);
      harness.assertKeysEqual(ours, log, true);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwb");
      harness.stopPeers();
    }
  }

  @Test
  void certificateAuthenticationWithStrongswanResponder() throws Exception {
    TestPki ca = new TestPki("CN=ipsec-mesh interop CA");
    Path pki = harness.run().resolve("pki");
    TestPki.writePem(ca.issue("gwa.interop.test"), pki.resolve("gwa.pem"), pki.resolve("gwa.key"));
    ca.writeCa(pki.resolve("ca.pem"));
    harness.script(Map.of("AUTH", "pubkey", "LOCAL_CERT", "gwb.pem", "LOAD", "no", "LOG_IKE", "4", "LOG_CHD", "4"),
        "charon-start.sh", "ikegwb", "ikev2-gcm");
    try {
      harness.loadCredentials("ikegwb", ca, ca.issue("gwb.interop.test"), "gwb");
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", "unused-psk", "gwa.interop.test",
          "gwb.interop.test", "10.91.1.0/24", "10.91.2.0/24", true, "--cert", pki.resolve("gwa.pem").toString(),
          "--key", pki.resolve("gwa.key").toString(), "--ca", pki.resolve("ca.pem").toString());
      ChildSa child = peer.child();
      String log = harness.awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", child.outboundSpi(),
          child.inboundSpi()));
      assertTrue(log.contains("authentication of 'gwa.interop.test' with ECDSA_WITH_SHA256_DER successful"),
          "strongSwan verified our RFC 7427 signature");
      harness.assertKeysEqual(child, log, true);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ikegwb");
      harness.stopPeers();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** After an IKE SA rekey the Child SA is announced again, unchanged but for its new IKE SA. */
  private static void assertRebound(ChildSa rebound, ChildSa before, String[] newIke) {
    assertEquals(String.join(":", newIke), rebound.ikeSaId());
    assertEquals(before.inboundSpi(), rebound.inboundSpi());
    assertEquals(before.outboundSpi(), rebound.outboundSpi());
    assertArrayEquals(before.wrappedInboundKeys(), rebound.wrappedInboundKeys());
  }

  /**
   * strongSwan's view: an established IKE SA with exactly these SPIs (ours "spiI:spiR" in hex). Asked for up to
   * 5 s: when we answer charon's IKE SA rekey, our UP line comes as our answer leaves, and charon lists the new
   * IKE SA only once it has processed that answer, which on a busy machine may be a moment later (seen once).
   */
  private void assertIkeSaAt(String instance, String[] spis) throws Exception {
    String sas = "";
    for (int i = 0; i < 25; i++) {
      sas = harness.script(Map.of(), "sw.sh", instance, "--list-sas");
      if (sas.contains(spis[0] + "_i") && sas.contains(spis[1] + "_r")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("IKE SA " + String.join(":", spis) + " not in:\n" + sas);
  }

  private Peer startPeer(String ns, String local, String remote, String psk, String localId, String remoteId,
      String localTs, String remoteTs, boolean initiate, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--local", local, "--peer", remote, "--psk", psk, "--local-id",
        localId, "--remote-id", remoteId, "--local-ts", localTs, "--remote-ts", remoteTs));
    if (initiate) {
      args.addAll(List.of("--initiate", "yes"));
    }
    args.addAll(List.of(extra));
    return harness.startPeer(ns, InteropPeer.class, "peer", args);
  }
}

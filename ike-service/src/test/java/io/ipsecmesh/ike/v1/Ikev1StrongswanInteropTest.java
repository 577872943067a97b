package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.StrongswanHarness.Peer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Our IKEv1 against strongSwan 5.9.8 (Debian charon, kernel-libipsec) in network namespaces
 * {@code v1gwa}/{@code v1gwb} (distinct from the IKEv2 test's, so both can run), built by the harness
 * scripts of test-support's strongSwan harness ({@code /interop}) with the {@code ikev1-psk}
 * profile (aes256-sha256-modp2048, ESP aes256-sha256). Our side is {@link Ikev1InteropPeer} in a child
 * JVM under {@code ip netns exec}. Proof of agreement: charon logs both SAs established, the SPIs are
 * ours mirrored and in {@code swanctl --list-sas}, charon at chd level 4 logs Child SA keys equal to
 * ours (so SKEYID_d, the Quick Mode HASHes and KEYMAT agree), and R-U-THERE is answered both ways.
 * Needs root and strongSwan; skipped with the reason otherwise. Namespaces and daemons are removed in
 * {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Ikev1StrongswanInteropTest {

  private static final String PSK = "interop-test-psk-0123456789";
  /**
   * The child JVMs run with this JVM's KEK: the Child SA records they print carry sealed keys that only the
   * same KEK opens here (RecordJson binds and seals them under it).
   */
  private static final String KEK_HEX = java.util.HexFormat.of().formatHex(
      io.ipsecmesh.proto.kek.ProcessKek.current().rawKey());
  private static final Map<String, String> NAMESPACES = Map.of("NS_A", "v1gwa", "NS_B", "v1gwb", "NS_LAN_A",
      "v1lana", "NS_LAN_B", "v1lanb");
  /** charon's IKEv1 settings for the test: log keys, probe after 2 s of silence. */
  private static final Map<String, String> CHARON_ENV = Map.of("LOG_IKE", "4", "LOG_CHD", "4", "DPD_DELAY", "2s");

  private StrongswanHarness harness;

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswan("charon-systemd strongswan-swanctl libcharon-extra-plugins",
        "libcharon-extra-plugins", "kernel-libipsec");
    harness = StrongswanHarness.create("ikev1-interop-", NAMESPACES, KEK_HEX);
    harness.install("/interop/profiles/ikev1-psk.env", "profiles/ikev1-psk.env");
    harness.netnsUp();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void ourMainModeAndQuickModeInitiatorWithStrongswanResponderAndDpdBothWays() throws Exception {
    harness.script(CHARON_ENV, "charon-start.sh", "v1gwb", "ikev1-psk");
    try {
      Peer peer = startPeer("v1gwa", "172.31.255.1", "172.31.255.2", "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24");
      peer.command("initiate");
      assertTrue(peer.await("UP ").startsWith("UP gwb.interop.test "));
      ChildSa ours = peer.child();
      String log = harness.awaitLog("v1gwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[gwb.interop.test]...172.31.255.1"
          + "[gwa.interop.test]"), "strongSwan's Main Mode finished");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = harness.script(Map.of(), "sw.sh", "v1gwb", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      assertTrue(sas.contains(String.format("out %08x", ours.inboundSpi())), sas);
      assertTrue(sas.contains("ESTABLISHED") && sas.contains("IKEv1"), sas);
      harness.assertKeysEqual(ours, log, true);
      assertTrue(ours.udpEncapsulation(), "kernel-libipsec fakes NAT-D: UDP-encapsulated ESP");
      assertEquals(4500, ours.peerPort());

      // charon probes us after 2 s of silence (dpd_delay); we answer with the ACK it wants
      harness.awaitLog("v1gwb", "[ HASH N(DPD_ACK) ]");
      // our R-U-THERE, answered by charon
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));
      String dpd = harness.awaitLog("v1gwb", "generating INFORMATIONAL_V1 request");
      assertTrue(dpd.contains("[ HASH N(DPD) ]"), "charon parsed our R-U-THERE");

      // soft lifetime: a new Quick Mode on the same ISAKMP SA, then our DELETE of the old Child SA
      peer.command(String.format("rekey %08x", ours.inboundSpi()));
      ChildSa rekeyed = peer.child();
      String log2 = harness.awaitLog("v1gwb", String.format("established with SPIs %08x_i %08x_o",
          rekeyed.outboundSpi(), rekeyed.inboundSpi()));
      assertEquals(String.format("DELETED %08x", ours.inboundSpi()), peer.await("DELETED "));
      // the SPI in our DELETE is our inbound one (RFC 2408 §3.15), charon's outbound
      harness.awaitLog("v1gwb", String.format("received DELETE for ESP CHILD_SA with SPI %08x", ours.inboundSpi()));
      harness.assertKeysEqual(rekeyed, log2, true);
      assertEquals(ours.ikeSaId(), rekeyed.ikeSaId(), "same ISAKMP SA");
      report("v1gwb");
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "v1gwb");
      harness.stopPeers();
    }
  }

  @Test
  void quickModeWithPfsGroup14AgainstStrongswan() throws Exception {
    Map<String, String> env = new HashMap<>(CHARON_ENV);
    env.put("ESP_PROPOSALS", "aes256-sha256-modp2048");
    harness.script(env, "charon-start.sh", "v1gwb", "ikev1-psk");
    try {
      Peer peer = startPeer("v1gwa", "172.31.255.1", "172.31.255.2", "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", "--pfs", "14");
      peer.command("initiate");
      ChildSa ours = peer.child();
      String log = harness.awaitLog("v1gwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("parsed QUICK_MODE request") && log.contains("[ HASH SA No KE ID ID ]"),
          "our QM1 carried a KE");
      assertTrue(log.contains("selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ"), log);
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())));
      // equal keys: KEYMAT with g(qm)^xy (RFC 2409 §5.5) agrees with charon's
      harness.assertKeysEqual(ours, log, true);
      report("v1gwb");
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "v1gwb");
      harness.stopPeers();
    }
  }

  @Test
  void strongswanInitiatorWithOurMainModeAndQuickModeResponder() throws Exception {
    Peer peer = startPeer("v1gwb", "172.31.255.2", "172.31.255.1", "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24");
    // charon keeps a rekeyed IKEv1 Child SA until it expires unless delete_rekeyed = yes (IKEv1 only)
    Path extra = harness.dir().resolve("delete-rekeyed.conf");
    Files.writeString(extra, "delete_rekeyed = yes\n");
    Map<String, String> env = new HashMap<>(CHARON_ENV);
    env.put("EXTRA_CHARON_CONF", extra.toString());
    harness.script(env, "charon-start.sh", "v1gwa", "ikev1-psk");
    try {
      String out = harness.script(Map.of(), "sw.sh", "v1gwa", "--initiate", "--child", "net", "--timeout", "20");
      assertTrue(out.contains("CHILD_SA net{1} established"), out);
      assertTrue(peer.await("UP ").startsWith("UP gwa.interop.test "));
      ChildSa ours = peer.child();
      String log = harness.awaitLog("v1gwa", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = harness.script(Map.of(), "sw.sh", "v1gwa", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      harness.assertKeysEqual(ours, log, false);
      assertEquals(List.of(new io.ipsecmesh.proto.sa.TrafficSelector("10.91.2.0", "10.91.2.255", 0, 0, 65535)),
          ours.localSelectors());
      assertTrue(ours.udpEncapsulation());

      harness.awaitLog("v1gwa", "[ HASH N(DPD_ACK) ]");
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));

      // strongSwan rekeys the Child SA: we answer its Quick Mode, then its DELETE of the old one (which
      // names charon's inbound SPI, our outbound)
      String rekeyOut = harness.script(Map.of(), "sw.sh", "v1gwa", "--rekey", "--child", "net");
      assertTrue(rekeyOut.contains("rekey completed successfully"), rekeyOut);
      ChildSa rekeyed = peer.child();
      String log2 = harness.awaitLog("v1gwa", String.format("established with SPIs %08x_i %08x_o",
          rekeyed.outboundSpi(), rekeyed.inboundSpi()));
      harness.assertKeysEqual(rekeyed, log2, false);
      assertEquals(String.format("DELETED %08x", ours.inboundSpi()), peer.await("DELETED "));
      report("v1gwa");
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "v1gwa");
      harness.stopPeers();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** charon's milestones into the test report (surefire's output file), as evidence of what ran. */
  private void report(String instance) throws IOException {
    Pattern milestones = Pattern.compile("established|selected proposal|DPD|generating|parsed|NAT|DELETE|rekey");
    try (Stream<String> lines = Files.lines(harness.run().resolve(instance).resolve("charon.log"))) {
      lines.filter(l -> milestones.matcher(l).find() && !l.contains("=>")).forEach(System.out::println);
    }
  }

  private Peer startPeer(String ns, String local, String remote, String localId, String remoteId, String localTs,
      String remoteTs, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--local", local, "--peer", remote, "--psk", PSK, "--local-id",
        localId, "--remote-id", remoteId, "--local-ts", localTs, "--remote-ts", remoteTs));
    args.addAll(List.of(extra));
    return harness.startPeer(ns, Ikev1InteropPeer.class, "v1peer", args);
  }
}

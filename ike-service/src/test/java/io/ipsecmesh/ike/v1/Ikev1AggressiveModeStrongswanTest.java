package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.StrongswanHarness.Peer;
import io.ipsecmesh.proto.sa.ChildSa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * IKEv1 Aggressive Mode with pre-shared keys (RFC 2409 §5.4) against strongSwan 5.9.8 in namespaces
 * {@code amgwa}/{@code amgwb}, both roles, on the harness of {@link Ikev1StrongswanInteropTest} with its
 * {@code ikev1-psk} profile and {@code aggressive = yes}. strongSwan refuses PSK Aggressive Mode unless
 * {@code charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes} (the identities go in the clear
 * and a captured AM2 allows an offline dictionary attack on the key), so the test sets it. Proof: charon logs
 * the exchange as AGGRESSIVE, the ISAKMP SA and the Child SA established with our SPIs mirrored, and the
 * Child SA keys it logs equal ours (so SKEYID, HASH_I/HASH_R and the Quick Mode IVs after a clear AM3 agree).
 * Needs root and strongSwan; skipped with the reason otherwise; namespaces and daemons go in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Ikev1AggressiveModeStrongswanTest {

  private static final String PSK = "interop-aggressive-psk-0123456789";
  private static final String KEK_HEX = java.util.HexFormat.of().formatHex(
      io.ipsecmesh.proto.kek.ProcessKek.current().rawKey());
  private static final Map<String, String> NAMESPACES = Map.of("NS_A", "amgwa", "NS_B", "amgwb", "NS_LAN_A",
      "amlana", "NS_LAN_B", "amlanb");

  private StrongswanHarness harness;
  private Map<String, String> charonEnv;

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswan("charon-systemd strongswan-swanctl libcharon-extra-plugins",
        "libcharon-extra-plugins", "kernel-libipsec");
    harness = StrongswanHarness.create("ikev1-aggressive-", NAMESPACES, KEK_HEX);
    harness.install("/interop/profiles/ikev1-psk.env", "profiles/ikev1-psk.env");
    harness.netnsUp();
    Path extra = harness.dir().resolve("aggressive-psk.conf");
    Files.writeString(extra, "i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n");
    charonEnv = new HashMap<>(Map.of("LOG_IKE", "4", "LOG_CHD", "4", "DPD_DELAY", "0s", "AGGRESSIVE", "yes",
        "PSK", PSK, "EXTRA_CHARON_CONF", extra.toString()));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void ourAggressiveModeInitiatorWithStrongswanResponder() throws Exception {
    harness.script(charonEnv, "charon-start.sh", "amgwb", "ikev1-psk");
    try {
      Peer peer = startPeer("amgwa", "172.31.255.1", "172.31.255.2", "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", "--aggressive", "yes");
      peer.command("initiate");
      assertTrue(peer.await("UP ").startsWith("UP gwb.interop.test "));
      ChildSa ours = peer.child();
      String log = harness.awaitLog("amgwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("parsed AGGRESSIVE request 0 [ SA KE No ID V"), "charon got our AM1:\n" + log);
      assertTrue(log.contains("parsed AGGRESSIVE request 0 [ HASH"), "charon got our AM3:\n" + log);
      assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[gwb.interop.test]...172.31.255.1"
          + "[gwa.interop.test]"), log);
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      harness.assertKeysEqual(ours, log, true);
      // an R-U-THERE over the Aggressive Mode SA: its informational IV follows from the clear AM3
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "amgwb");
      harness.stopPeers();
    }
  }

  @Test
  void strongswanAggressiveModeInitiatorWithOurResponder() throws Exception {
    Peer peer = startPeer("amgwb", "172.31.255.2", "172.31.255.1", "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24");
    harness.script(charonEnv, "charon-start.sh", "amgwa", "ikev1-psk");
    try {
      String out = harness.script(Map.of(), "sw.sh", "amgwa", "--initiate", "--child", "net", "--timeout", "20");
      assertTrue(out.contains("CHILD_SA net{1} established"), out);
      assertTrue(peer.await("UP ").startsWith("UP gwa.interop.test "), "our responder accepted its clear ID");
      ChildSa ours = peer.child();
      String log = harness.awaitLog("amgwa", "CHILD_SA net{1} established");
      assertTrue(log.contains("generating AGGRESSIVE request 0 [ SA KE No ID V"), log);
      assertTrue(log.contains("parsed AGGRESSIVE response 0 [ SA KE No ID HASH"), "our AM2:\n" + log);
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), log);
      harness.assertKeysEqual(ours, log, false);
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "amgwa");
      harness.stopPeers();
    }
  }

  private Peer startPeer(String ns, String local, String remote, String localId, String remoteId, String localTs,
      String remoteTs, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--local", local, "--peer", remote, "--psk", PSK, "--local-id",
        localId, "--remote-id", remoteId, "--local-ts", localTs, "--remote-ts", remoteTs));
    args.addAll(List.of(extra));
    return harness.startPeer(ns, Ikev1InteropPeer.class, "ampeer", args);
  }
}

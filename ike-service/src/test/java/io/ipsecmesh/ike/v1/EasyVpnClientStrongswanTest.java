package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.StrongswanHarness.Peer;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Our Easy VPN remote's IKEv1 client (Aggressive Mode with the group name as ID_KEY_ID and the group key, XAUTH,
 * Mode Config with the Cisco Unity attributes, then Quick Mode for the assigned address) against strongSwan
 * 5.9.8 as the Easy VPN server in namespaces {@code ezgwa}/{@code ezgwb}: {@code /interop/templates/ezvpn-server.swanctl.conf.in} (test-support)
 * (two remote auth rounds, psk then xauth via {@code xauth-generic}, Debian {@code libcharon-extauth-plugins};
 * a pool with DNS, split include and the Unity banner and default domain, {@code unity} from {@code
 * libcharon-extra-plugins}). The seed's remote: {@code group unity key …}, {@code mode client}, {@code peer …},
 * user {@code ezuser}. Proof: charon logs XAUTH successful for ezuser and the virtual IP assigned, the Mode Config
 * we print has the pool's address, DNS, split include, banner and domain, and the Child SA is between that
 * address and the split-include network with keys equal to charon's. A wrong password ends the SA. Needs root and
 * strongSwan with both plugins; skipped with the reason otherwise; namespaces and daemons go in tearDown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EasyVpnClientStrongswanTest {

  private static final String GROUP_KEY = "preshared-group-key-0123";
  private static final String KEK_HEX = java.util.HexFormat.of().formatHex(
      io.ipsecmesh.proto.kek.ProcessKek.current().rawKey());
  private static final Map<String, String> NAMESPACES = Map.of("NS_A", "ezgwa", "NS_B", "ezgwb", "NS_LAN_A",
      "ezlana", "NS_LAN_B", "ezlanb");

  private StrongswanHarness harness;
  private Map<String, String> charonEnv;

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswan("charon-systemd strongswan-swanctl libcharon-extra-plugins"
        + " libcharon-extauth-plugins", "libcharon-extauth-plugins, libcharon-extra-plugins", "kernel-libipsec",
        "xauth-generic", "unity");
    harness = StrongswanHarness.create("ezvpn-", NAMESPACES, KEK_HEX);
    harness.install("/interop/profiles/ikev1-psk.env", "profiles/ikev1-psk.env");
    harness.netnsUp();
    Path extra = harness.dir().resolve("aggressive-psk.conf");
    Files.writeString(extra, "i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n");
    charonEnv = Map.of("LOG_IKE", "4", "LOG_CHD", "4", "LOG_CFG", "2", "DPD_DELAY", "0s", "PSK", GROUP_KEY,
        "EXTRA_CHARON_CONF", extra.toString(), "EXTRA_LOAD", "xauth-generic unity",
        "SWANCTL_TEMPLATE", harness.dir().resolve("templates/ezvpn-server.swanctl.conf.in").toString(),
        "REMOTE_ID", "keyid:unity");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aggressiveModeXauthAndModeConfigGiveTheRemoteItsAddressAndTheTunnel() throws Exception {
    harness.script(charonEnv, "charon-start.sh", "ezgwb", "ikev1-psk");
    try {
      Peer peer = remote("ezpass-0123");
      peer.command("initiate");
      assertTrue(peer.await("UP ").startsWith("UP gwb.interop.test "), "the server's HASH_R and ID accepted");
      String mc = peer.await("MODECFG ");
      assertEquals("MODECFG ezvpn-config address=10.99.0.1 dns=[10.91.2.53] domain=corp.interop.test"
          + " split=[10.91.2.0/255.255.255.0] banner=Welcome to the interop hub", mc);
      ChildSa ours = peer.child();
      assertEquals(List.of(TrafficSelector.anyPorts("10.99.0.1", "10.99.0.1")), ours.localSelectors(),
          "client mode: the assigned address is our side");
      assertEquals(List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")), ours.remoteSelectors(),
          "the split include is the other side");
      String log = harness.awaitLog("ezgwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("XAuth authentication of 'ezuser' successful"), log);
      assertTrue(log.contains("assigning virtual IP 10.99.0.1 to peer 'ezuser'"), log);
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), log);
      harness.assertKeysEqual(ours, log, true);
      // the show crypto isakmp sa states an Easy VPN remote goes through, IOS's names
      String rows = String.join(" ", List.of(peer.await("ROW AG_INIT_EXCH"), peer.await("ROW CONF_XAUTH"),
          peer.await("ROW CONF_ADDR"), peer.await("ROW QM_IDLE")));
      assertTrue(rows.endsWith("QM_IDLE"), rows);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ezgwb");
      harness.stopPeers();
    }
  }

  @Test
  void aWrongXauthPasswordEndsTheIsakmpSa() throws Exception {
    harness.script(charonEnv, "charon-start.sh", "ezgwb", "ikev1-psk");
    try {
      Peer peer = remote("not-the-password");
      peer.command("initiate");
      assertEquals("DOWN negotiation-failed: xauth-failed", peer.await("DOWN "));
      String log = harness.awaitLog("ezgwb", "XAuth authentication of 'ezuser' failed");
      assertTrue(!log.contains("CHILD_SA net{1} established"), log);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ezgwb");
      harness.stopPeers();
    }
  }

  /**
   * The same remote from its configuration: the seed's {@code crypto ipsec client ezvpn} with {@code connect auto},
   * the group, the peer, the stored XAUTH user and the outside/inside interfaces, applied as ike-service applies
   * {@code config.changed} ({@link EasyVpnPolicies}); no initiate command: connect auto brings it up. The server
   * identifies itself by its address, which a remote without an ISAKMP profile requires.
   */
  @Test
  void theSeedsEasyVpnRemoteConfigurationConnectsByItself() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(charonEnv);
    env.put("LOCAL_ID", "172.31.255.2");
    harness.script(env, "charon-start.sh", "ezgwb", "ikev1-psk");
    try {
      Peer peer = harness.startPeer("ezgwa", Ikev1InteropPeer.class, "ezcfg", List.of("--local", "172.31.255.1",
          "--peer", "172.31.255.2", "--psk", GROUP_KEY, "--local-id", "unity", "--local-id-type", "keyid",
          "--remote-id", "172.31.255.2", "--local-ts", "10.91.1.0/24", "--remote-ts", "10.91.2.0/24", "--ezvpn",
          "ezvpn-config", "--xauth-user", "ezuser", "--xauth-password", "ezpass-0123", "--ezvpn-from-config", "yes"));
      assertTrue(peer.await("UP ").startsWith("UP 172.31.255.2 "));
      assertTrue(peer.await("MODECFG ").startsWith("MODECFG ezvpn-config address=10.99.0.1 "));
      ChildSa ours = peer.child();
      assertEquals("ezvpn-config", ours.cryptoMap());
      assertEquals(List.of(TrafficSelector.anyPorts("10.99.0.1", "10.99.0.1")), ours.localSelectors());
      String log = harness.awaitLog("ezgwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("XAuth authentication of 'ezuser' successful"), log);
      harness.assertKeysEqual(ours, log, true);
    } finally {
      harness.script(Map.of(), "charon-stop.sh", "ezgwb");
      harness.stopPeers();
    }
  }

  private Peer remote(String password) throws Exception {
    return harness.startPeer("ezgwa", Ikev1InteropPeer.class, "ezpeer", List.of("--local", "172.31.255.1",
        "--peer", "172.31.255.2", "--psk", GROUP_KEY, "--local-id", "unity", "--local-id-type", "keyid",
        "--remote-id", "gwb.interop.test", "--local-ts", "10.91.1.0/24", "--remote-ts", "10.91.2.0/24", "--ezvpn",
        "ezvpn-config", "--xauth-user", "ezuser", "--xauth-password", password));
  }
}

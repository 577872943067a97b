package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic crypto maps against strongSwan 5.9.8 (charon, kernel-libipsec): our gateway in {@code dygwa} is a hub whose
 * only crypto map entry is {@code crypto map VPN 65535 ipsec-isakmp dynamic DYN} (no {@code set peer}); strongSwan in
 * {@code dygwb} initiates as a spoke the hub has never heard of, with IKEv2 (keyring {@code address 0.0.0.0 0.0.0.0})
 * or IKEv1 Main Mode ({@code crypto isakmp key … address 0.0.0.0 0.0.0.0}). Proves:
 * <ul>
 *   <li>the spoke is accepted and shown ({@code show crypto isakmp sa}, {@code show crypto ipsec sa}); a spoke with
 *       another key is refused;</li>
 *   <li>the dynamic map's {@code match address} narrows strongSwan's proposed selectors (RFC 7296 §2.9; its
 *       {@code --list-sas} shows the narrowed 10.91.1.0/25);</li>
 *   <li>the hub's LAN reaches the spoke's negotiated network through the tunnel — the forwarder's SPD gained an entry
 *       for the negotiated selectors and the kernel a route into the TUN — seen on the hub's outside interface as
 *       ESP only, counted by strongSwan's SAs both ways; after {@code clear crypto session} it stops, and nothing
 *       leaves in clear;</li>
 *   <li>IKEv1: the dynamic map's transform set, {@code set pfs} and {@code set security-association lifetime} are
 *       what the Quick Mode SA gets.</li>
 * </ul>
 * The topology, start-up and clean-up are {@link AppliedConfigScenario}'s.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class GatewayStrongswanDynamicMapTest extends AppliedConfigScenario {

  private static final String PSK = "interop-test-psk-0123456789";

  @Override
  String prefix() {
    return "dy";
  }

  @Override
  String templateResource() {
    return "dynamicmap/hub-template.cfg";
  }

  @Override
  String initialConfiguration() {
    return hub("");
  }

  /** The hub with {@code match} as the dynamic map's match line (empty: selectors taken as proposed). */
  private String hub(String match) {
    return template.replace("@MATCH@", match);
  }

  /** strongSwan as the spoke (IKEv2): its address as ID, ours expected, {@code psk}. */
  private void spoke(String psk) throws Exception {
    strongswan(Map.of("LOCAL_ID", THEM, "REMOTE_ID", US, "SECRET_ID_A", US, "SECRET_ID_B", THEM, "PSK", psk,
        "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "ikev2-gcm");
  }

  /**
   * The hub's LAN pings the spoke's LAN: the route into the TUN follows the SA's installation (a few tries), then
   * three pings cross. On the hub's outside interface the packets are ESP, none ICMP in clear; strongSwan's SA
   * counters show traffic both ways (its inbound SA decrypted what our forwarder encrypted).
   */
  private void hubReachesTheSpokesLanThroughTheTunnel() throws Exception {
    try (Capture wan = new Capture(run, gw, "wan0", "esp or udp port 4500 or icmp")) {
      assertTrue(pingLanB(10), "no ping from the hub's LAN through the tunnel; routes:\n" + routes()
          + "\ngateway log:\n" + Files.readString(gatewayLog));
      Sh.Result ping = Netns.ping(lanA, LAN_B_HOST, 3, 2);
      assertTrue(ping.output().contains("3 received"), ping.output());
      List<String[]> rows = wan.rows("ip.src", "ip.dst", "esp.spi", "icmp.type");
      long esp = rows.stream().filter(r -> r.length > 2 && !r[2].isEmpty()).count();
      List<String> clear = clearIcmp(rows);
      assertTrue(esp >= 8, "4 pings there and back as ESP on wan0, saw " + esp);
      assertEquals(List.of(), clear, "ICMP in clear on the outside interface");
    }
    String sas = theirSas();
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
  }

  /**
   * After the SA is gone the hub's LAN no longer reaches the spoke: the negotiated route is deleted (unless the
   * dynamic map's {@code match address} keeps the network routed into the TUN, where the forwarder drops it), and
   * nothing leaves in clear on the outside interface.
   */
  private void hubNoLongerReachesTheSpoke(boolean routeRemains) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!routeRemains && routes().contains("10.91.2.0/24") && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(routeRemains, routes().contains("10.91.2.0/24"), routes());
    try (Capture wan = new Capture(run, gw, "wan0", "esp or udp port 4500 or icmp")) {
      Sh.Result ping = Netns.ping(lanA, LAN_B_HOST, 2, 1);
      assertTrue(ping.output().contains(" 0 received"), ping.output());
      List<String[]> rows = wan.rows("ip.src", "ip.dst", "esp.spi", "icmp.type");
      assertEquals(List.of(), clearIcmp(rows), "ICMP in clear on the outside interface");
      assertEquals(0, rows.stream().filter(r -> r.length > 2 && !r[2].isEmpty()).count(), "ESP without an SA");
    }
  }

  private static List<String> clearIcmp(List<String[]> rows) {
    return rows.stream().filter(r -> r.length > 3 && r[2].isEmpty() && !r[3].isEmpty())
        .map(r -> r[0] + ">" + r[1]).toList();
  }

  /** The hub's routes ({@code ip route show} in {@code dygwa}). */
  private String routes() throws Exception {
    return Sh.capture(List.of("ip", "-n", gw, "route", "show"), Map.of());
  }

  @Test
  void aSpokeWithoutSetPeerIsAcceptedAndTheHubsLanReachesItsNegotiatedNetwork() throws Exception {
    apply(hub(""));
    spoke(PSK);
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    String isakmp = exec("show crypto isakmp sa");
    assertTrue(isakmp.contains(THEM), isakmp);
    String ipsec = exec("show crypto ipsec sa");
    assertTrue(ipsec.contains("current_peer: " + THEM), ipsec);
    String sas = theirSas();
    assertTrue(sas.contains("INSTALLED") && sas.contains("local  10.91.2.0/24\n") && sas.contains("remote 10.91.1.0/24\n"),
        sas);
    hubReachesTheSpokesLanThroughTheTunnel();
    clearAndSettle();
    hubNoLongerReachesTheSpoke(false);
  }

  @Test
  void theDynamicMapsAccessListNarrowsTheSpokesSelectors() throws Exception {
    apply(hub(" match address 102"));
    spoke(PSK);
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out);
    String sas = theirSas();
    assertTrue(sas.contains("local  10.91.2.0/24\n") && sas.contains("remote 10.91.1.0/25\n"),
        "narrowed by access-list 102:\n" + sas);
    assertTrue(exec("show crypto ipsec sa").contains("current_peer: " + THEM));
    // LAN A's host 10.91.1.10 is inside the narrowed 10.91.1.0/25
    hubReachesTheSpokesLanThroughTheTunnel();
    clearAndSettle();
    // access-list 102's destination stays routed into the TUN: dropped there without an SA, never sent in clear
    hubNoLongerReachesTheSpoke(true);
  }

  @Test
  void aSpokeWithAnotherKeyIsRefused() throws Exception {
    apply(hub(""));
    spoke("not-the-hub-key-0123456789");
    String out = theyInitiate();
    assertTrue(out.contains("initiate failed"), out);
    String ipsec = exec("show crypto ipsec sa");
    assertFalse(ipsec.contains("current_peer: " + THEM), ipsec);
    assertFalse(theirSas().contains("INSTALLED"));
  }

  /**
   * IKEv1 Main Mode: strongSwan's {@code ikev1-psk} profile (its own DPD off) with PFS in its ESP proposal, the hub's
   * {@code dynamicmap/hub-ikev1.cfg}. The Quick Mode SA carries the dynamic map's transform set and PFS group
   * (strongSwan lists MODP_2048 on it) and lifetime (at most 1800 s left in {@code show crypto ipsec sa}).
   */
  @Test
  void anIkev1SpokeMatchedByTheWildcardKeyGetsTheDynamicMapsTermsAndTheHubReachesIt() throws Exception {
    String hub;
    try (java.io.InputStream in = getClass().getResourceAsStream("dynamicmap/hub-ikev1.cfg")) {
      hub = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    apply(hub);
    strongswan(Map.of("LOCAL_ID", THEM, "REMOTE_ID", US, "SECRET_ID_A", US, "SECRET_ID_B", THEM, "PSK", PSK,
        "DPD_DELAY", "0s", "ESP_PROPOSALS", "aes256-sha256-modp2048"), "ikev1-psk");
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    String sas = theirSas();
    assertTrue(sas.contains("AES_CBC-256/HMAC_SHA2_256_128/MODP_2048"), "set pfs group14 on the SA:\n" + sas);
    String ipsec = exec("show crypto ipsec sa");
    assertTrue(ipsec.contains("current_peer: " + THEM), ipsec);
    java.util.regex.Matcher left = java.util.regex.Pattern
        .compile("remaining key lifetime \\(k/sec\\): \\(\\d+/(\\d+)\\)").matcher(ipsec);
    assertTrue(left.find(), ipsec);
    long seconds = Long.parseLong(left.group(1));
    assertTrue(seconds > 1700 && seconds <= 1800, "set security-association lifetime seconds 1800:\n" + ipsec);
    hubReachesTheSpokesLanThroughTheTunnel();
    clearAndSettle();
    hubNoLongerReachesTheSpoke(false);
  }
}

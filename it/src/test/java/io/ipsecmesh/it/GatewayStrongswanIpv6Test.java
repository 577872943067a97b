package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * IPv6 end to end: the whole gateway ({@code ipsec-mesh run}) in {@code i6gwa} against strongSwan 5.9.8 in
 * {@code i6gwb} over an IPv6 WAN (2001:db8:ffff::1 — ::2), IPv6 LANs behind both (2001:db8:1::/64 with host ::10,
 * 2001:db8:2::/64 with host ::10), no plain routes between the LANs: the harness's {@code netns-up.sh --ipv6}
 * (addresses without duplicate address detection). The gateway is configured as an IOS XE router would be, {@code
 * ipv6 address} / {@code ipv6 crypto map} on {@code wan0}, an {@code ipv6 access-list} as {@code match address}:
 *
 * <ol>
 *   <li>IKEv2 over IPv6 (addresses as ID_IPV6_ADDR identities, strongSwan initiating), the {@code show} commands in
 *       IOS's IPv6 layout, IPv6 inner traffic (ping from LAN A to LAN B through the tunnel), then the IKEv2 DPD of
 *       the profile against the IPv6 peer until strongSwan falls silent and the peer is declared dead;</li>
 *   <li>IKEv1 over IPv6: Main Mode and Quick Mode with {@code crypto isakmp key … address ipv6}, ID_IPV6_ADDR and
 *       ID_IPV6_ADDR_SUBNET, {@code show crypto isakmp sa}'s {@code IPv6 Crypto ISAKMP SA} section, ping6, and the
 *       RFC 3706 R-U-THERE of {@code crypto isakmp keepalive} acknowledged by the IPv6 peer.</li>
 * </ol>
 *
 * Needs root and strongSwan (skipped with the reason otherwise); gateways, daemons and namespaces are removed in
 * {@link #tearDown()}, also on failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayStrongswanIpv6Test {

  private static final String PREFIX = "i6";
  private static final String GW = PREFIX + "gwa";
  private static final String PEER = PREFIX + "gwb";
  private static final String LAN_A = PREFIX + "lana";
  private static final String LAN_B_HOST = "2001:db8:2::10";
  /** strongSwan's side: identities are the IPv6 addresses (ID_IPV6_ADDR), traffic selectors the IPv6 LANs. */
  private static final Map<String, String> IPV6_PEER = Map.of("LOCAL_ID", "2001:db8:ffff::2", "REMOTE_ID",
      "2001:db8:ffff::1", "SECRET_ID_A", "2001:db8:ffff::1", "SECRET_ID_B", "2001:db8:ffff::2", "LOCAL_TS",
      "2001:db8:2::/64", "REMOTE_TS", "2001:db8:1::/64", "REMOTE_ADDRS", "2001:db8:ffff::1", "LOCAL_ADDRS",
      "2001:db8:ffff::2", "DPD_DELAY", "0s");

  private Path run;
  private Process gateway;
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-ipv6-");
    up = true;
    harness(run, PREFIX, Map.of(), "netns-up.sh", "--no-plain-routes", "--ipv6");
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, PREFIX, Map.of(), "netns-down.sh");
    }
  }

  @Test
  @Order(1)
  void ikev2OverIpv6CarriesIpv6TrafficIsShownAsIosDoesAndDpdFindsTheDeadIpv6Peer() throws Exception {
    Path dir = start("ikev2-gwa.cfg", "ikev2-gcm", Map.of("IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"));
    Path gatewayLog = dir.resolve("gateway.log");
    // strongSwan initiates: IKE_SA_INIT reaches ike-service's socket on [2001:db8:ffff::1]:500, then (strongSwan's
    // kernel-libipsec forces UDP encapsulation) IKE_AUTH and ESP the forwarder's IPv6 socket on port 4500
    String initiate = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--initiate", "--child", "net");
    assertTrue(initiate.contains("initiate completed successfully"), initiate + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    String sas = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--list-sas");
    assertTrue(sas.contains("ESTABLISHED") && sas.contains("2001:db8:ffff::1") && sas.contains("INSTALLED"), sas);
    assertTrue(sas.contains("2001:db8:2::/64") && sas.contains("2001:db8:1::/64"), sas);

    String ikev2 = exec(GW, dir, "show crypto ikev2 sa");
    assertTrue(ikev2.contains(" IPv6 Crypto IKEv2  SA \n\nTunnel-id Local"), ikev2);
    java.util.regex.Matcher row = java.util.regex.Pattern
        .compile("\\n([0-9]+) +2001:DB8:FFFF::1/4500 +2001:DB8:FFFF::2/4500 +none/none +READY").matcher(ikev2);
    assertTrue(row.find(), ikev2);
    String tunnelId = row.group(1);
    String ipsec = exec(GW, dir, "show crypto ipsec sa");
    assertTrue(ipsec.contains("interface: wan0\n"), ipsec);
    assertTrue(ipsec.contains("  Crypto map tag: VPN6, local addr. 2001:DB8:FFFF::1\n"), ipsec);
    assertTrue(ipsec.contains("  local ident (addr/mask/prot/port): (2001:DB8:1::/64/0/0)\n"), ipsec);
    assertTrue(ipsec.contains("  remote ident (addr/mask/prot/port): (2001:DB8:2::/64/0/0)\n"), ipsec);
    assertTrue(ipsec.contains("  current_peer 2001:DB8:FFFF::2 port 4500\n"), ipsec);
    String session = exec(GW, dir, "show crypto session");
    assertTrue(session.contains("Peer: 2001:DB8:FFFF::2 port 4500\n"), session);
    assertTrue(session.contains("  IPSEC FLOW: permit ipv6 2001:DB8:1::/64 2001:DB8:2::/64\n"), session);

    // IPv6 inner traffic: LAN A to LAN B through the forwarder's IPv6 SPD and strongSwan's Child SA, and back
    Sh.Result ping = pingUntilTheTunnelCarries(gatewayLog);
    assertTrue(ping.output().contains("3 received"), ping.output());
    String counted = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--list-sas");
    assertTrue(counted.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);
    assertTrue(counted.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);

    // dpd 10 2 periodic: ike-service's liveness checks (empty INFORMATIONALs over IPv6) are answered ...
    awaitFile(run.resolve(PEER).resolve("charon.log"), "parsed INFORMATIONAL request", 30);
    // ... until strongSwan falls silent (an inet table drops IPv6 too): the IPv6 peer is declared dead
    capture(List.of("ip", "netns", "exec", PEER, "nft", "add", "table", "inet", "itdead"), Map.of());
    capture(List.of("ip", "netns", "exec", PEER, "nft", "add", "chain", "inet", "itdead", "in",
        "{ type filter hook input priority -300; policy drop; }"), Map.of());
    try {
      awaitFile(gatewayLog, "Crypto tunnel is DOWN. Peer 2001:db8:ffff::2:4500 Id: 2001:db8:ffff::2 (dpd)", 90);
    } finally {
      capture(List.of("ip", "netns", "exec", PEER, "nft", "delete", "table", "inet", "itdead"), Map.of());
    }
    // the dead IKE SA is gone; strongSwan, reachable again, may already have set up a new one (another Tunnel-id)
    String after = exec(GW, dir, "show crypto ikev2 sa");
    assertTrue(!after.contains("\n" + tunnelId + " "), "the dead peer's IKE SA (Tunnel-id " + tunnelId + ") is gone:\n"
        + after);
  }

  @Test
  @Order(2)
  void ikev1OverIpv6() throws Exception {
    Path dir = start("ikev1-gwa.cfg", "ikev1-psk", Map.of());
    Path gatewayLog = dir.resolve("gateway.log");
    exec(GW, dir, "debug crypto isakmp");
    String initiate = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--initiate", "--child", "net");
    assertTrue(initiate.contains("initiate completed successfully"), initiate + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    String sas = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--list-sas");
    assertTrue(sas.contains("IKEv1") && sas.contains("ESTABLISHED") && sas.contains("INSTALLED"), sas);
    assertTrue(sas.contains("2001:db8:2::/64") && sas.contains("2001:db8:1::/64"), sas);
    String isakmp = exec(GW, dir, "show crypto isakmp sa");
    assertTrue(isakmp.contains("IPv6 Crypto ISAKMP SA\n\n dst: 2001:DB8:FFFF::2\n src: 2001:DB8:FFFF::1\n"
        + " state: QM_IDLE "), isakmp);
    String ipsec = exec(GW, dir, "show crypto ipsec sa peer 2001:db8:ffff::2");
    assertTrue(ipsec.contains("  remote ident (addr/mask/prot/port): (2001:DB8:2::/64/0/0)\n"), ipsec);
    Sh.Result ping = pingUntilTheTunnelCarries(gatewayLog);
    assertTrue(ping.output().contains("3 received"), ping.output());
    // crypto isakmp keepalive 10 2 periodic: R-U-THERE to the IPv6 peer (RFC 3706), acknowledged
    String dpd = LogWatch.await(run.resolve(PEER).resolve("charon.log"), "[ HASH N(DPD_ACK) ]", 40);
    assertTrue(dpd.matches("(?s).*parsed INFORMATIONAL_V1 request \\d+ \\[ HASH N\\(DPD\\) \\].*"), dpd);
    LogWatch.await(gatewayLog, "DPD/R_U_THERE_ACK received from peer 2001:db8:ffff::2", 10);
    assertTrue(!Files.readString(gatewayLog).contains("Crypto tunnel is DOWN"), "the answering peer stays up");
  }

  /**
   * (Re)starts strongSwan in {@code i6gwb} with {@code profile} and the IPv6 settings, and the gateway in {@code
   * i6gwa} with the resource {@code cfg}; returns the gateway's own run directory (API file, log).
   */
  private Path start(String cfg, String profile, Map<String, String> more) throws Exception {
    Sh.stop(gateway, 15);
    Map<String, String> env = new HashMap<>(IPV6_PEER);
    env.putAll(more);
    harness(run, PREFIX, env, "charon-start.sh", PEER, profile);
    Path dir = Files.createDirectories(run.resolve(cfg.replace(".cfg", "")));
    Path file = dir.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream("ipv6/" + cfg)) {
      Files.copy(in, file);
    }
    gateway = startGateway(GW, file, dir, dir.resolve("gateway.log"));
    return dir;
  }

  /** ping from LAN A to LAN B's host until the tunnel carries it, then three pings 0.2 s apart. */
  private static Sh.Result pingUntilTheTunnelCarries(Path gatewayLog) throws Exception {
    boolean ok = false;
    for (int i = 0; i < 10 && !ok; i++) {
      ok = Netns.ping(LAN_A, LAN_B_HOST, 1, 2).output().contains(" 0% packet loss");
    }
    assertTrue(ok, "no ping6 through the tunnel; gateway log:\n" + Files.readString(gatewayLog));
    return Netns.ping(LAN_A, LAN_B_HOST, 3, 2);
  }
}

package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which timers and which failover list the configuration model gives each IKE SA. */
class DpdConfigTest {

  private static final io.ipsecmesh.proto.config.DpdMode PERIODIC = io.ipsecmesh.proto.config.DpdMode.PERIODIC;
  private static final io.ipsecmesh.proto.config.DpdMode ON_DEMAND = io.ipsecmesh.proto.config.DpdMode.ON_DEMAND;

  private static GatewayConfig config(IsakmpKeepalive keepalive, List<CryptoMapEntry> maps, List<EzvpnClient> ezvpn,
      List<Ikev2Profile> profiles, Ikev2Dpd globalIkev2) {
    return GatewayConfig.builder()
        .isakmpKeepalive(keepalive)
        .cryptoMaps(maps)
        .ezvpnClients(ezvpn)
        .ikev2Profiles(profiles)
        .ikev2Dpd(globalIkev2)
        .build();
  }

  private static CryptoMapEntry map(String name, int seq, String profile, String... peers) {
    return new CryptoMapEntry(name, seq, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(peers), List.of("txfm"), null,
        null, "101", profile, null, null);
  }

  private static IkePeer v1(String address, String map, int seq) {
    return new IkePeer("sa-" + address, address, 500, address, 1, map, seq);
  }

  private static IkePeer v2(String address, String map, int seq) {
    return new IkePeer("sa-" + address, address, 4500, address, 2, map, seq);
  }

  @Test
  void cryptoIsakmpKeepalive10Periodic_forIkev1Peers() {
    DpdConfig c = new DpdConfig(config(new IsakmpKeepalive(10, 2, PERIODIC), List.of(), List.of(), List.of(), null));
    assertEquals(Optional.of(new DpdSettings(10, 2, DpdMode.PERIODIC)), c.settingsFor(v1("10.2.80.209", null, 0)));
    assertEquals(Optional.empty(), c.settingsFor(v2("10.2.80.209", null, 0)), "IKEv2 follows its own dpd");
  }

  @Test
  void noKeepaliveConfigured_noDpd() {
    DpdConfig c = new DpdConfig(GatewayConfig.empty());
    assertEquals(Optional.empty(), c.settingsFor(v1("10.2.80.209", null, 0)));
  }

  @Test
  void ikev2_profileDpdWinsOverGlobal_profileFoundByCryptoMapOrByRemoteAddress() {
    Ikev2Profile viaMap = new Ikev2Profile("branch", List.of(), null, "pre-share", "pre-share", "kr",
        new Ikev2Dpd(30, 5, PERIODIC), null);
    Ikev2Profile viaMatch = new Ikev2Profile("hub", List.of("192.0.2.0 255.255.255.0"), null, "pre-share",
        "pre-share", "kr", new Ikev2Dpd(60, 10, ON_DEMAND), null);
    Ikev2Profile noDpd = new Ikev2Profile("plain", List.of("198.51.100.0 255.255.255.0"), null, "pre-share",
        "pre-share", "kr", null, null);
    DpdConfig c = new DpdConfig(config(null, List.of(map("vpn", 10, "branch", "203.0.113.1")), List.of(),
        List.of(viaMap, viaMatch, noDpd), new Ikev2Dpd(10, 2, ON_DEMAND)));
    assertEquals(Optional.of(new DpdSettings(30, 5, DpdMode.PERIODIC)), c.settingsFor(v2("203.0.113.1", "vpn", 10)));
    assertEquals(Optional.of(new DpdSettings(60, 10, DpdMode.ON_DEMAND)), c.settingsFor(v2("192.0.2.77", null, 0)));
    assertEquals(Optional.of(new DpdSettings(10, 2, DpdMode.ON_DEMAND)), c.settingsFor(v2("198.51.100.3", null, 0)),
        "a profile without dpd falls back to crypto ikev2 dpd");
  }

  @Test
  void failover_followsTheSetPeerListOfTheSasCryptoMapEntry() {
    DpdConfig c = new DpdConfig(config(null, List.of(map("green", 1, null, "10.0.0.1", "10.0.0.2", "10.0.0.3")),
        List.of(), List.of(), null));
    assertEquals(Optional.of("10.0.0.2"), c.failoverFor(v1("10.0.0.1", "green", 1)).after("10.0.0.1"));
    assertEquals(Optional.of("10.0.0.1"), c.failoverFor(v1("10.0.0.3", "green", 1)).after("10.0.0.3"));
    assertEquals(Optional.empty(), c.failoverFor(v1("10.0.0.9", null, 0)).after("10.0.0.9"));
  }

  @Test
  void failover_easyVpnClientNamedAsTheSasCryptoMap() {
    EzvpnClient ezvpn = new EzvpnClient("ezvpn-config", EzvpnClient.Connect.AUTO, "unity", "preshared",
        EzvpnClient.Mode.CLIENT, List.of("10.10.10.10", "10.2.2.2", "10.3.3.3"));
    DpdConfig c = new DpdConfig(config(null, List.of(), List.of(ezvpn), List.of(), null));
    assertEquals(Optional.of("10.3.3.3"), c.failoverFor(v1("10.2.2.2", "ezvpn-config", 0)).after("10.2.2.2"));
    assertEquals(Optional.of("10.10.10.10"), c.failoverFor(v1("10.3.3.3", "ezvpn-config", 0)).after("10.3.3.3"));
  }

  @Test
  void sessionStatusLine_asInTheSeedTrace() {
    assertEquals("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 10.2.80.209:500 Id: 10.2.80.209",
        SessionStatus.down(v1("10.2.80.209", null, 0)));
  }

  @Test
  void ikev2_aTunnelInterfacesSaTakesTheDpdOfItsIpsecProfilesIkev2Profile() {
    // crypto ipsec profile VTI / set ikev2-profile vti; the profile matches no address, so only the tunnel finds it
    Ikev2Profile vti = new Ikev2Profile("vti", List.of(), null, "pre-share", "pre-share", "kr",
        new Ikev2Dpd(10, 2, PERIODIC), null);
    io.ipsecmesh.proto.config.InterfaceConfig tunnel = new io.ipsecmesh.proto.config.InterfaceConfig("Tunnel1", null,
        null, null, null, null, null, null, new io.ipsecmesh.proto.config.TunnelSettings("198.51.100.1", "192.0.2.7",
            io.ipsecmesh.proto.config.TunnelMode.IPSEC_IPV4, "VTI"));
    GatewayConfig cfg = GatewayConfig.builder()
        .interfaces(List.of(tunnel))
        .ikev2Profiles(List.of(vti))
        .ipsecProfiles(List.of(new io.ipsecmesh.proto.config.IpsecProfile("VTI", List.of("txfm"), null,
            null, "vti")))
        .build();
    DpdConfig c = new DpdConfig(cfg);
    assertEquals(Optional.of(new DpdSettings(10, 2, DpdMode.PERIODIC)),
        c.settingsFor(v2("192.0.2.7", "Tunnel1", GatewayConfig.TUNNEL_SEQUENCE)));
    assertEquals(Optional.empty(), c.settingsFor(v2("192.0.2.7", "Tunnel1", 1)), "a crypto map sequence is no tunnel's");
  }

  @Test
  void ipv6Peers_profileByRemoteIpv6PrefixAndFailoverByIpv6SetPeer() {
    // crypto ikev2 profile v6 / match identity remote address 2001:DB8:FFFF::/64 / dpd 10 2 periodic (the seed's
    // IKEv2 DPD, over IPv6 peers); crypto map VPN6 10 / set peer 2001:db8:ffff::2 / set peer 2001:db8:ffff::3
    Ikev2Profile v6 = new Ikev2Profile("v6", List.of("2001:db8:ffff::/64"), null, "pre-share", "pre-share", "kr",
        new Ikev2Dpd(10, 2, PERIODIC), null);
    DpdConfig c = new DpdConfig(config(null, List.of(map("VPN6", 10, null, "2001:db8:ffff::2", "2001:db8:ffff::3")),
        List.of(), List.of(v6), null));
    assertEquals(Optional.of(new DpdSettings(10, 2, DpdMode.PERIODIC)), c.settingsFor(v2("2001:db8:ffff::2", null, 0)));
    assertEquals(Optional.empty(), c.settingsFor(v2("2001:db8:fffe::2", null, 0)), "outside the /64");
    assertEquals(Optional.empty(), c.settingsFor(v2("10.0.0.1", null, 0)), "an IPv4 peer is never in an IPv6 prefix");
    assertEquals(Optional.of("2001:db8:ffff::3"),
        c.failoverFor(v2("2001:db8:ffff::2", "VPN6", 10)).after("2001:db8:ffff::2"));
  }
}

package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@code show crypto ipsec client ezvpn} for the DPD chapter's "Easy VPN Remote with DPD Enabled Example" (with the
 * stored XAUTH user), from the state ike-service writes to {@code ipsec.ezvpn}: the Mode Config values strongSwan
 * pushes in {@code EasyVpnClientStrongswanTest}.
 */
class ShowCryptoIpsecClientEzvpnTest {

  private static GatewayConfig seed(String connect, String mode) {
    io.ipsecmesh.config.lang.ParseResult r = ConfigParser.parse("gw.cfg", """
        crypto isakmp keepalive 30 20 periodic
        crypto ipsec client ezvpn ezvpn-config
         connect %s
         group unity key preshared
         mode %s
         peer 10.2.80.209
         peer 10.2.2.2
         username ezuser password ezpass
         xauth userid mode local
        !
        interface FastEthernet1
         ip address 10.2.3.4 255.255.255.0
         crypto ipsec client ezvpn ezvpn-config inside
        !
        interface FastEthernet0
         ip address 10.1.32.14 255.255.255.0
         crypto ipsec client ezvpn ezvpn-config outside
        """.formatted(connect, mode));
    assertEquals(List.of(), r.errors());
    return r.config();
  }

  private static final EzvpnStatus ACTIVE = new EzvpnStatus("ezvpn-config", EzvpnStatus.IPSEC_ACTIVE, "SOCKET_UP",
      "10.2.80.209", "0011223344556677:8899aabbccddeeff", "client", "10.99.0.1", "255.255.255.255",
      List.of("10.91.2.53", "10.91.2.54"), "corp.interop.test", false, "Welcome", List.of("10.91.2.0/255.255.255.0"),
      1_700_000_000_000L);

  @Test
  void anActiveClientModeRemoteShowsWhatModeConfigPushed() {
    assertEquals("""
        Easy VPN Remote Phase: 8

        Tunnel name : ezvpn-config
        Inside interface list: FastEthernet1
        Outside interface: FastEthernet0
        Current State: IPSEC_ACTIVE
        Last Event: SOCKET_UP
        Address: 10.99.0.1
        Mask: 255.255.255.255
        DNS Primary: 10.91.2.53
        DNS Secondary: 10.91.2.54
        Default Domain: corp.interop.test
        Save Password: Disallowed
        Split Tunnel List: 1
               Address    : 10.91.2.0
               Mask       : 255.255.255.0
               Protocol   : 0x0
               Source Port: 0
               Dest Port  : 0
        Current EzVPN Peer: 10.2.80.209
        """, ShowCryptoIpsecClientEzvpn.render(seed("auto", "client"), List.of(ACTIVE)));
  }

  @Test
  void connectManualBeforeTheExecCommandIsConnectRequired() {
    assertEquals("""
        Easy VPN Remote Phase: 8

        Tunnel name : ezvpn-config
        Inside interface list: FastEthernet1
        Outside interface: FastEthernet0
        Current State: CONNECT_REQUIRED
        """, ShowCryptoIpsecClientEzvpn.render(seed("manual", "client"), List.of()));
  }

  @Test
  void networkExtensionModeShowsNoAddressAndTheStateComesFromTheClusterMap() {
    Map<String, String> map = new ConcurrentHashMap<>(Map.of("ezvpn-config", RecordJson.toJson(ACTIVE).encode(),
        "bad", "{not json"));
    SaTables tables = new SaTables(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
        new ConcurrentHashMap<>(map));
    String out = ShowCryptoIpsecClientEzvpn.render(seed("auto", "network-extension"), tables.ezvpn());
    assertEquals(false, out.contains("Address: 10.99.0.1"), out);
    assertEquals(true, out.contains("Current State: IPSEC_ACTIVE\n"), out);
    assertEquals(true, out.contains("Split Tunnel List: 1\n"), out);
  }
}

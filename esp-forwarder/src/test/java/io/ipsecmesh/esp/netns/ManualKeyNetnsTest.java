package io.ipsecmesh.esp.netns;

/**
 * Two gateways with manual keys, ESP-in-UDP on port 4500 (RFC 3948, the default
 * {@code crypto ipsec nat-transparency udp-encapsulation}): ping and iperf3 LAN to LAN.
 */
class ManualKeyNetnsTest extends TwoGatewayNetnsTest {
  @Override
  String kind() {
    return "u";
  }
}

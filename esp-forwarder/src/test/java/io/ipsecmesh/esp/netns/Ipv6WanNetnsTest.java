package io.ipsecmesh.esp.netns;

/**
 * The data plane alone over an IPv6 WAN, manual keys, ESP-in-UDP on port 4500 over IPv6 (RFC 3948 §2, RFC 8200):
 * ping6 and TCP (iperf3) LAN to LAN, IPv4 in IPv6 (ping), and ICMPv6 Packet Too Big for IPv6 packets too big
 * for the tunnel.
 */
class Ipv6WanNetnsTest extends DualStackNetnsTest {
  @Override
  String kind() {
    return "u6";
  }

  @Override
  String wanA() {
    return "fd31:252::1";
  }

  @Override
  String wanB() {
    return "fd31:252::2";
  }
}

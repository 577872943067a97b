package io.ipsecmesh.esp.netns;

/**
 * IPv6 in IPv4: dual-stack LANs over an IPv4 WAN, ESP-in-UDP; ping6 and TCP over IPv6 (iperf3) cross in IPv4
 * ESP packets (next header 41, RFC 4303 §2.6), ping too.
 */
class Ipv6InIpv4NetnsTest extends DualStackNetnsTest {
  @Override
  String kind() {
    return "u46";
  }
}

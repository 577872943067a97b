package io.ipsecmesh.esp.netns;

/**
 * {@code no crypto ipsec nat-transparency udp-encapsulation} over an IPv6 WAN: ESP as next header 50 directly in the
 * IPv6 header (RFC 4303 §3.1.2, RFC 8200 §4), through the forwarders' IPv6 raw sockets; both inner families.
 */
class RawEspIpv6NetnsTest extends DualStackNetnsTest {
  @Override
  String kind() {
    return "r6";
  }

  @Override
  String wanA() {
    return "fd31:253::1";
  }

  @Override
  String wanB() {
    return "fd31:253::2";
  }
}

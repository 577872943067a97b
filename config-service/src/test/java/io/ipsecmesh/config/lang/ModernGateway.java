package io.ipsecmesh.config.lang;

/** A configuration that uses every command of the language with modern algorithms, written as an operator would. */
final class ModernGateway {

  static final String TEXT = """
      hostname gw1
      !
      crypto isakmp policy 10
       encryption aes 256
       hash sha384
       authentication pre-share
       group 20
       lifetime 28800
      !
      crypto isakmp key 0 s3cret address 198.51.100.7
      crypto isakmp key branchkey address 203.0.113.0 255.255.255.0 no-xauth
      crypto isakmp keepalive 15 3
      crypto isakmp nat keepalive 20
      crypto isakmp invalid-spi-recovery
      !
      crypto ikev2 proposal modern
       encryption aes-gcm-256 aes-gcm-128
       prf sha384 sha256
       group 20 19 31
      !
      crypto ikev2 policy default-policy
       match address local 192.0.2.1
       proposal modern
      !
      crypto ikev2 keyring branches
       peer hq
        address 198.51.100.7
        pre-shared-key s3cret
       !
       peer spokes
        address 203.0.113.0 255.255.255.0
        pre-shared-key local out-key
        pre-shared-key remote in-key
       !
      !
      crypto ikev2 profile branches
       match identity remote address 198.51.100.7 255.255.255.255
       identity local address 192.0.2.1
       authentication remote pre-share
       authentication local pre-share
       keyring local branches
       dpd 10 2 on-demand
       lifetime 86400
      !
      crypto ikev2 dpd 30 5 periodic
      !
      crypto ipsec security-association replay window-size 4096
      crypto ipsec security-association idle-time 600
      crypto ipsec security-association lifetime seconds 1800
      crypto ipsec security-association lifetime kilobytes 10000000
      crypto ipsec df-bit clear
      no crypto ipsec nat-transparency udp-encapsulation
      !
      crypto ipsec transform-set GCM esp-gcm 256
      crypto ipsec transform-set CBC esp-aes 256 esp-sha512-hmac
       mode transport
      crypto ipsec transform-set CHACHA esp-chacha20-poly1305
      !
      crypto ipsec client ezvpn remote1
       connect manual
       group sales key s4les
       mode network-extension
       peer 198.51.100.7
       peer vpn.example.net
      !
      crypto map vpn 10 ipsec-isakmp
       set peer 198.51.100.7
       set peer 198.51.100.8
       set peer 198.51.100.9
       set transform-set GCM CHACHA
       set security-association replay disable
       set security-association lifetime kilobytes 2560
       set pfs group31
       set ikev2-profile branches
       match address vpn-traffic
      crypto map vpn 20 ipsec-manual
       set peer 203.0.113.9
       set transform-set CBC
       set session-key inbound esp 4096 cipher 00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff authenticator 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
       set session-key outbound esp 4097 cipher fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 authenticator a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5
       match address 120
      !
      interface GigabitEthernet1
       ip address 192.0.2.1 255.255.255.0
       ip mtu 1400
       crypto ipsec df-bit set
       crypto map vpn
      !
      interface GigabitEthernet2
       ip address 10.1.0.1 255.255.0.0
      !
      ip access-list extended vpn-traffic
       remark LAN to LAN
       10 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
       permit udp host 10.1.0.5 range 5000 5010 any eq isakmp
       deny tcp any gt 1023 10.2.0.0 0.0.255.255 neq 22 log
      !
      access-list 120 permit esp any any
      access-list 120 permit 47 10.1.0.0 0.0.255.255 host 203.0.113.9
      end
      """;

  private ModernGateway() {}

  /** The 1-based line of the first line of {@link #TEXT} that contains {@code text}. */
  static int lineOf(String text) {
    String[] lines = TEXT.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(text)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("not in ModernGateway.TEXT: " + text);
  }
}

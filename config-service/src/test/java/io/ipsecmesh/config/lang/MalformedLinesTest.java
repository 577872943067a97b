package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and out-of-range crypto lines, each refused with one error that gives its line number, the
 * command and the allowed range or values. The configurations are written the way the seed documents
 * write theirs.
 */
class MalformedLinesTest {

  static Stream<Arguments> malformed() {
    return Stream.of(
        // crypto isakmp keepalive seconds [retry] [periodic|on-demand]: 10-3600, 2-60
        refused("crypto isakmp keepalive", 1, "crypto isakmp keepalive: missing seconds (10-3600)"),
        refused("crypto isakmp keepalive 5", 1, "crypto isakmp keepalive: seconds must be 10-3600, got 5"),
        refused("crypto isakmp keepalive 3601 periodic", 1,
            "crypto isakmp keepalive: seconds must be 10-3600, got 3601"),
        refused("crypto isakmp keepalive ten", 1,
            "crypto isakmp keepalive: seconds must be a number 10-3600, got 'ten'"),
        refused("crypto isakmp keepalive 10 1", 1, "crypto isakmp keepalive: retry must be 2-60, got 1"),
        refused("crypto isakmp keepalive 30 61 periodic", 1, "crypto isakmp keepalive: retry must be 2-60, got 61"),
        refused("crypto isakmp keepalive 10 2 sometimes", 1,
            "crypto isakmp keepalive: mode must be periodic|on-demand, got 'sometimes'"),
        refused("crypto isakmp keepalive 10 2 periodic now", 1, "crypto isakmp keepalive: unexpected 'now'"),
        // crypto isakmp nat keepalive seconds: 5-3600
        refused("crypto isakmp nat keepalive", 1, "crypto isakmp nat keepalive: missing seconds (5-3600)"),
        refused("crypto isakmp nat keepalive 4", 1, "crypto isakmp nat keepalive: seconds must be 5-3600, got 4"),
        refused("crypto isakmp nat keepalive 3601", 1,
            "crypto isakmp nat keepalive: seconds must be 5-3600, got 3601"),
        // crypto ipsec security-association …
        refused("crypto ipsec security-association idle-time 59", 1,
            "crypto ipsec security-association idle-time: seconds must be 60-86400, got 59"),
        refused("crypto ipsec security-association idle-time 86401", 1,
            "crypto ipsec security-association idle-time: seconds must be 60-86400, got 86401"),
        refused("crypto ipsec security-association replay window-size 100", 1,
            "crypto ipsec security-association replay window-size: window size must be a power of two from 64 to"
                + " 65536 (64, 128, 256, 512, 1024, … 65536), got 100"),
        refused("crypto ipsec security-association replay window-size 32", 1,
            "crypto ipsec security-association replay window-size: window size must be a power of two from 64 to"
                + " 65536 (64, 128, 256, 512, 1024, … 65536), got 32"),
        refused("crypto ipsec security-association replay window-size 131072", 1,
            "crypto ipsec security-association replay window-size: window size must be a power of two from 64 to"
                + " 65536 (64, 128, 256, 512, 1024, … 65536), got 131072"),
        refused("crypto ipsec security-association replay", 1,
            "crypto ipsec security-association replay: missing replay setting (window-size|disable)"),
        refused("crypto ipsec security-association lifetime seconds 119", 1,
            "crypto ipsec security-association lifetime seconds must be 120-86400, got 119"),
        refused("crypto ipsec security-association lifetime kilobytes 100", 1,
            "crypto ipsec security-association lifetime kilobytes must be 2560-4294967295, got 100"),
        refused("crypto ipsec security-association lifetime hours 1", 1,
            "crypto ipsec security-association lifetime: unit must be seconds|kilobytes, got 'hours'"),
        // crypto ipsec df-bit clear|set|copy
        refused("crypto ipsec df-bit", 1, "crypto ipsec df-bit: missing setting (clear|set|copy)"),
        refused("crypto ipsec df-bit maybe", 1, "crypto ipsec df-bit: setting must be clear|set|copy, got 'maybe'"),
        // crypto ipsec fragmentation before-encryption|after-encryption
        refused("crypto ipsec fragmentation", 1,
            "crypto ipsec fragmentation: missing where (before-encryption|after-encryption)"),
        refused("crypto ipsec fragmentation during-encryption", 1,
            "crypto ipsec fragmentation: where must be before-encryption|after-encryption, got 'during-encryption'"),
        refused("interface GigabitEthernet1\n crypto ipsec fragmentation after-encryption now", 2,
            "crypto ipsec fragmentation: unexpected 'now'"),
        refused("no crypto ipsec nat-transparency", 1,
            "no crypto ipsec nat-transparency: missing encapsulation (udp-encapsulation)"),
        // crypto ipsec transform-set NAME T1 [T2 [T3]]
        refused("crypto ipsec transform-set t1 esp-des esp-sha-hmac", 1,
            "esp-des is insecure (RFC 8221): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac" + SeedExamplesTest.SHIELD),
        refused("crypto ipsec transform-set t1 esp-aes 256 esp-md5-hmac", 1,
            "esp-md5-hmac is insecure (RFC 8221): use esp-sha256-hmac" + SeedExamplesTest.SHIELD),
        refused("crypto ipsec transform-set t1 ah-sha-hmac", 1,
            "ah-sha-hmac is refused (RFC 8221: AH is not supported): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac"),
        refused("crypto ipsec transform-set t1 esp-null esp-sha-hmac", 1,
            "esp-null is insecure (no encryption): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac"),
        refused("crypto ipsec transform-set t1 esp-aes 256", 1,
            "esp-aes 256 without an integrity transform is insecure (RFC 8221): add esp-sha256-hmac or use esp-gcm 256"),
        refused("crypto ipsec transform-set t1 esp-gcm 256 esp-sha-hmac", 1,
            "crypto ipsec transform-set t1: esp-gcm 256 already provides integrity: remove esp-sha-hmac"),
        refused("crypto ipsec transform-set t1 esp-aes 192 esp-sha-hmac", 1,
            "crypto ipsec transform-set t1: esp-aes 192 is not supported: use esp-aes 256"),
        refused("crypto ipsec transform-set t1 esp-sha256-hmac", 1,
            "crypto ipsec transform-set t1: needs an encryption transform: esp-gcm 256, esp-aes 256 esp-sha256-hmac"
                + " or esp-chacha20-poly1305"),
        refused("crypto ipsec transform-set t1 esp-aes 128 esp-sha512-hmac", 1,
            "crypto ipsec transform-set t1: esp-aes 128 esp-sha512-hmac is not supported: use esp-aes 256"
                + " esp-sha512-hmac"),
        refused("crypto ipsec transform-set t1 esp-rot13", 1,
            "crypto ipsec transform-set t1: unknown transform 'esp-rot13': use esp-gcm 256, esp-aes 256"
                + " esp-sha256-hmac or esp-chacha20-poly1305"),
        refused("crypto ipsec transform-set t1", 1,
            "crypto ipsec transform-set t1: missing transforms (esp-gcm 256, esp-aes 256 esp-sha256-hmac or"
                + " esp-chacha20-poly1305)"),
        refused("crypto ipsec transform-set t1 esp-gcm 256\n mode tunnel-ish", 2,
            "mode must be tunnel|transport, got 'tunnel-ish'"),
        // crypto isakmp policy N
        refused("crypto isakmp policy 0", 1, "crypto isakmp policy: priority must be 1-10000, got 0"),
        refused("crypto isakmp policy 1\n encryption des", 2,
            "encryption des is insecure (RFC 8247): use encryption aes 256 (single DES is not implemented, not even with "
            + "'crypto engine compliance shield disable')"),
        refused("crypto isakmp policy 1\n hash md5", 2, "hash md5 is insecure (RFC 8247): use hash sha256" + SeedExamplesTest.SHIELD),
        refused("crypto isakmp policy 1\n group 5", 2, "group 5 is insecure (RFC 8247): use group 14, 19 or 20" + SeedExamplesTest.SHIELD),
        refused("crypto isakmp policy 1\n group 17", 2, "group must be 14, 19 or 20, got 17"),
        // groups IOS knows but ike-service cannot compute: refused, never negotiated without them
        refused("crypto isakmp policy 1\n group 15", 2,
            "group must be 14, 19 or 20, got 15 (group 15 is not implemented by this gateway)"),
        refused("crypto isakmp policy 1\n group 16", 2,
            "group must be 14, 19 or 20, got 16 (group 16 is not implemented by this gateway)"),
        refused("crypto isakmp policy 1\n group 21", 2,
            "group must be 14, 19 or 20, got 21 (group 21 is not implemented by this gateway)"),
        refused("crypto isakmp policy 1\n group 24", 2,
            "group must be 14, 19 or 20, got 24 (group 24 is not implemented by this gateway)"),
        refused("crypto isakmp policy 1\n group 31", 2, "group 31 (Curve25519) is defined for IKEv2 only (RFC 8031):"
            + " use it in a crypto ikev2 proposal, or group 19 or 20 here"),
        refused("crypto isakmp policy 1\n group 32", 2, "group: Diffie-Hellman group must be 1-31, got 32"),
        refused("crypto isakmp policy 1\n lifetime 59", 2, "lifetime: seconds must be 60-86400, got 59"),
        refused("crypto isakmp policy 1\n authentication password", 2,
            "authentication: method must be pre-share|rsa-sig|rsa-encr, got 'password'"),
        // crypto isakmp key KEY address IP [MASK]
        refused("crypto isakmp key secret address 10.0.0.256", 1,
            "crypto isakmp key: address must be an IPv4 address, got '10.0.0.256'"),
        refused("crypto isakmp key secret address 10.0.0.1 255.0.255.0", 1,
            "crypto isakmp key: mask must be a netmask such as 255.255.255.0, got '255.0.255.0'"),
        refused("crypto isakmp key secret", 1, "crypto isakmp key: missing peer kind (address|hostname)"),
        refused("crypto isakmp key " + "k".repeat(129) + " address 10.0.0.1", 1,
            "crypto isakmp key must be 1-128 printable characters"),
        refused("crypto isakmp key 6 xyz address 10.0.0.1", 1,
            "crypto isakmp key: type 6 key does not open under this cluster's KEK (altered, or written by another "
                + "cluster): give the key in clear (type 0)"),
        // crypto map NAME SEQ ipsec-isakmp|ipsec-manual
        refused("crypto map m", 1, "crypto map: missing sequence number (1-65535)"),
        refused("crypto map m 0 ipsec-isakmp", 1, "crypto map: sequence number must be 1-65535, got 0"),
        refused("crypto map m 10 ipsec-magic", 1,
            "crypto map: keying must be ipsec-isakmp|ipsec-manual, got 'ipsec-magic'"),
        refused("crypto map m 10 ipsec-manual dynamic dmap", 1,
            "crypto map: only an ipsec-isakmp entry can refer to a dynamic crypto map"),
        refused("crypto map m 10 ipsec-isakmp\n set peer 10.0.0.1\n set peer 10.0.0.300", 3,
            "set peer: address must be an IPv4 address, an IPv6 address or a host name, got '10.0.0.300'"),
        refused("crypto map m 10 ipsec-isakmp\n set security-association replay window-size 1000", 2,
            "set security-association replay window-size: window size must be a power of two from 64 to 65536"
                + " (64, 128, 256, 512, 1024, … 65536), got 1000"),
        refused("crypto map m 10 ipsec-isakmp\n set security-association idle-time 30", 2,
            "set security-association idle-time: seconds must be 60-86400, got 30"),
        refused("crypto map m 10 ipsec-isakmp\n set security-association lifetime seconds 90000", 2,
            "set security-association lifetime seconds must be 120-86400, got 90000"),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group2", 2,
            "set pfs group2 is insecure (RFC 8247): use group14, group19 or group20" + SeedExamplesTest.SHIELD),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group99", 2,
            "set pfs: group must be group14, group19, group20 or group31, got 'group99'"),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group25", 2,
            "set pfs: group must be group14, group19, group20 or group31, got 'group25'"),
        // IOS takes these, but PFS with them would be negotiated as no PFS at all: refused
        refused("crypto map m 10 ipsec-isakmp\n set pfs group15", 2, "set pfs: group must be group14, group19,"
            + " group20 or group31, got 'group15' (group 15 is not implemented by this gateway)"),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group16", 2, "set pfs: group must be group14, group19,"
            + " group20 or group31, got 'group16' (group 16 is not implemented by this gateway)"),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group21", 2, "set pfs: group must be group14, group19,"
            + " group20 or group31, got 'group21' (group 21 is not implemented by this gateway)"),
        refused("crypto map m 10 ipsec-isakmp\n set pfs group24", 2, "set pfs: group must be group14, group19,"
            + " group20 or group31, got 'group24' (group 24 is not implemented by this gateway)"),
        // Curve25519 is IKEv2-only (RFC 8031): refused where the entry negotiates IKEv1 (no set ikev2-profile)
        refused("crypto map m 10 ipsec-isakmp\n set peer 10.0.0.1\n set pfs group31", 3, "set pfs group31: group 31"
            + " (Curve25519) is defined for IKEv2 only (RFC 8031), and crypto map m 10 has no set ikev2-profile, so"
            + " it negotiates IKEv1: use group14, group19 or group20, or set an ikev2-profile"),
        refused("crypto map m 10 ipsec-isakmp\n match address", 2, "match address: missing access list"),
        refused("crypto map m 10 ipsec-isakmp\n set session-key inbound esp 300 cipher 00", 2,
            "set session-key: session keys need an ipsec-manual crypto map (this one is ipsec-isakmp)"),
        refused("crypto map m 10 ipsec-manual\n set session-key inbound esp 255 cipher 00", 2,
            "set session-key inbound esp: SPI must be 256-4294967295, got 255"),
        refused("crypto map m 10 ipsec-manual\n set session-key outbound esp 300 cipher 0g", 2,
            "set session-key outbound esp: cipher key must be hex digits only: character 2 of 2 is not (the key is"
                + " not shown)"),
        refused("crypto map m 10 ipsec-manual\n set session-key inbound ah 300 0011", 2,
            "set session-key inbound ah is refused (RFC 8221: AH is not supported): use esp"),
        refused("crypto map m 10 ipsec-manual\n set peer 10.0.0.1\n set peer 10.0.0.2", 3,
            "set peer: an ipsec-manual crypto map takes one peer"),
        refused("crypto map m 10 ipsec-manual\n set transform-set a\n set transform-set b", 3,
            "set transform-set: an ipsec-manual crypto map takes one transform set"),
        refused("crypto ipsec transform-set g esp-aes 256 esp-sha256-hmac\ncrypto map m 10 ipsec-manual\n"
                + " set transform-set g\n set session-key inbound esp 300 cipher 00112233 authenticator"
                + " 000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f", 4,
            "set session-key inbound esp: cipher key is 4 bytes, transform set g (esp-aes 256 esp-sha256-hmac) needs"
                + " 32"),
        // extended access lists
        refused("access-list 101 permit ip 10.0.0.0 0.0.0.255", 1,
            "access-list 101: missing destination (any, host IP or IP WILDCARD)"),
        refused("access-list 101 permit ip 10.0.0.0", 1, "access-list 101: missing source wildcard after 10.0.0.0"),
        refused("access-list 101 permit tcp any any eq 70000", 1, "access-list 101: port must be 0-65535, got 70000"),
        refused("access-list 101 permit ip any any eq 80", 1,
            "access-list 101: port condition 'eq' needs protocol tcp or udp"),
        refused("access-list 101 permit udp any any range 600 500", 1,
            "access-list 101: range 600 500: the first port must not be above the second"),
        refused("access-list 101 allow ip any any", 1,
            "access-list 101: action must be permit|deny|remark, got 'allow'"),
        refused("access-list 101 permit ipx any any", 1,
            "access-list 101: protocol must be ip|tcp|udp|icmp|esp|ahp|gre|0-255, got 'ipx'"),
        refused("access-list 700 permit ip any any", 1,
            "access-list: number must be 100-199 or 2000-2699 (extended), got 700"),
        refused("ip access-list extended vpn\n permit ip host 10.0.0.1 any foo", 2, "permit: unexpected 'foo'"),
        // interface
        refused("interface GigabitEthernet1\n ip mtu 67", 2, "ip mtu: bytes must be 68-9216, got 67"),
        refused("interface GigabitEthernet1\n ip address 10.0.0.1 255.255.0.255", 2,
            "ip address: mask must be a netmask such as 255.255.255.0, got '255.255.0.255'"),
        refused("interface GigabitEthernet1\n crypto ipsec df-bit sometimes", 2,
            "crypto ipsec df-bit: setting must be clear|set|copy, got 'sometimes'"),
        // Easy VPN remote
        refused("crypto ipsec client ezvpn e\n connect later", 2, "connect must be auto|manual, got 'later'"),
        refused("crypto ipsec client ezvpn e\n group unity", 2, "group: missing 'key GROUP-KEY' after the group name"),
        refused("crypto ipsec client ezvpn e\n mode bridge", 2,
            "mode must be client|network-extension|network-plus, got 'bridge'"),
        // IKEv2
        refused("crypto ikev2 profile p\n dpd 5 2 on-demand", 2, "dpd: interval must be 10-3600, got 5"),
        refused("crypto ikev2 profile p\n dpd 10 2", 2, "dpd: missing mode (on-demand|periodic)"),
        refused("crypto ikev2 dpd 10 70 periodic", 1, "crypto ikev2 dpd: retry must be 2-60, got 70"),
        refused("crypto ikev2 fragmentation mtu 67", 1, "crypto ikev2 fragmentation: mtu must be 68-1500, got 67"),
        refused("crypto ikev2 fragmentation mtu 9000", 1,
            "crypto ikev2 fragmentation: mtu must be 68-1500, got 9000"),
        refused("crypto ikev2 proposal p\n encryption 3des", 2,
            "encryption 3des is insecure (RFC 8247): use aes-gcm-256 or aes-cbc-256 (IKEv2 SAs with 3des are not "
            + "implemented, not even with 'crypto engine compliance shield disable')"),
        refused("crypto ikev2 proposal p\n group 2", 2, "group 2 is insecure (RFC 8247): use group 14, 19 or 20" + SeedExamplesTest.SHIELD),
        refused("crypto ikev2 proposal p\n group 19 1", 2, "group 1 is insecure (RFC 8247): use group 14, 19 or 20" + SeedExamplesTest.SHIELD),
        refused("crypto ikev2 proposal p\n group 30", 2, "group must be 14, 19, 20 or 31, got 30"),
        refused("crypto ikev2 proposal p\n group 19 21", 2,
            "group must be 14, 19, 20 or 31, got 21 (group 21 is not implemented by this gateway)"),
        refused("crypto ikev2 proposal p\n group 15", 2,
            "group must be 14, 19, 20 or 31, got 15 (group 15 is not implemented by this gateway)"),
        refused("crypto ikev2 proposal p\n group 16", 2,
            "group must be 14, 19, 20 or 31, got 16 (group 16 is not implemented by this gateway)"),
        refused("crypto ikev2 proposal p\n group 24", 2,
            "group must be 14, 19, 20 or 31, got 24 (group 24 is not implemented by this gateway)"),
        refused("crypto ikev2 proposal p\n group 32", 2, "group: Diffie-Hellman group must be 1-31, got 32"),
        // a sub-mode command with no block open
        refused("!\n set peer 10.0.0.1", 2, "'set' is a sub-mode command but no block that takes it is open"));
  }

  private static Arguments refused(String config, int line, String message) {
    return Arguments.of(config, line, message);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformed")
  void isRefusedWithLineNumberAndAllowedRange(String config, int line, String message) {
    ParseResult r = ConfigParser.parse("router.cfg", config);
    assertEquals(List.of(new ConfigError("router.cfg", line, message)), r.errors());
    assertNull(r.config());
  }
}

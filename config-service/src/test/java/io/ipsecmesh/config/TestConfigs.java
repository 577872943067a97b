package io.ipsecmesh.config;

/** Configuration texts in the style of the seed examples. */
final class TestConfigs {

  static final String SITE_A = """
      crypto isakmp policy 10
       encryption aes 256
       hash sha256
       authentication pre-share
       group 14
      crypto isakmp key test-key address 10.2.2.2
      crypto isakmp keepalive 10 2 on-demand
      crypto isakmp invalid-spi-recovery
      !
      crypto ipsec transform-set strong esp-gcm 256
      !
      crypto map testtag1 10 ipsec-isakmp
       set peer 10.2.2.2
       set transform-set strong
       match address 101
      !
      interface FastEthernet0/0
       ip address 10.1.1.1 255.255.255.0
       crypto map testtag1
      !
      access-list 101 permit ip host 10.0.0.1 host 10.0.2.2
      """;

  /** SITE_A with a longer keepalive: valid and different. */
  static final String SITE_A_KEEPALIVE_30 = SITE_A.replace("keepalive 10 2", "keepalive 30 2");

  /** Line 2 out of range (keepalive 10–3600 s), line 3 an insecure transform. */
  static final String INVALID = """
      crypto isakmp policy 10
      crypto isakmp keepalive 5
      crypto ipsec transform-set old esp-des esp-md5-hmac
      """;

  private TestConfigs() {}
}

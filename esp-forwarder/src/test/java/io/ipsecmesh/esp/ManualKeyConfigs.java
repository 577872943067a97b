package io.ipsecmesh.esp;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.util.HexFormat;
import java.util.List;

/**
 * Test configurations for two gateways with manual keys, as the IOS text
 *
 * <pre>
 * crypto ipsec transform-set CBC esp-aes 256 esp-sha256-hmac
 *  mode tunnel
 * access-list 101 permit ip LOCALNET 0.0.0.255 REMOTENET 0.0.0.255
 * crypto map VPN 10 ipsec-manual
 *  set peer PEER
 *  set transform-set CBC
 *  set session-key inbound esp IN cipher HEX authenticator HEX
 *  set session-key outbound esp OUT cipher HEX authenticator HEX
 *  match address 101
 * interface wan0
 *  ip address WAN 255.255.255.252
 *  crypto map VPN
 * </pre>
 *
 * built as the typed model (the IOS parser lives in config-service, which a service module must not
 * depend on); {@link GatewayConfig#render()} shows the text. Manual keys take CBC+HMAC only: a counter-mode
 * AEAD (GCM, ChaCha20-Poly1305) must not be used with manual keys (RFC 4106 §2, RFC 8221 §3), and the
 * forwarder refuses such an entry; {@link #asNegotiatedGcm} gives the AEAD path an SA as IKE would install it.
 */
public final class ManualKeyConfigs {

  /** A manual session key: AES-256 cipher key and HMAC-SHA-256 authenticator key, in hex. */
  public record Keys(String cipher, String authenticator) {
    SessionKey sessionKey(long spi) {
      return new SessionKey(spi, cipher, authenticator);
    }
  }

  /** Test-only keys. */
  public static final Keys KEY_A_TO_B = new Keys("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "2021222324252627282930313233343536373839404142434445464748494a4b");
  public static final Keys KEY_B_TO_A = new Keys("f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100",
      "5f5e5d5c5b5a595857565554535251504f4e4d4c4b4a49484746454443424140");
  /** AES-128-GCM key + salt per direction for {@link #asNegotiatedGcm}. */
  private static final String GCM_A_TO_B = "000102030405060708090a0b0c0d0e0f10111213";
  private static final String GCM_B_TO_A = "f0e0d0c0b0a090807060504030201000ffeeddcc";
  public static final long SPI_A_TO_B = 0x1001;
  public static final long SPI_B_TO_A = 0x2002;

  private ManualKeyConfigs() {}

  /** Gateway A: protects localNet/24 → remoteNet/24 towards peer. */
  /** The same with {@code no crypto ipsec nat-transparency udp-encapsulation} (raw ESP) when {@code udp} is false. */
  public static GatewayConfig withNatTransparency(GatewayConfig c, boolean udp) {
    return c.toBuilder().natTransparency(udp).build();
  }

  public static GatewayConfig gatewayA(String wan, String peer, String localNet, String remoteNet) {
    return gateway(wan, peer, localNet, remoteNet, SPI_B_TO_A, KEY_B_TO_A, SPI_A_TO_B, KEY_A_TO_B, SaSettings.INHERIT);
  }

  public static GatewayConfig gatewayB(String wan, String peer, String localNet, String remoteNet) {
    return gateway(wan, peer, localNet, remoteNet, SPI_A_TO_B, KEY_A_TO_B, SPI_B_TO_A, KEY_B_TO_A, SaSettings.INHERIT);
  }

  public static GatewayConfig gateway(String wan, String peer, String localNet, String remoteNet, long inSpi,
      Keys inKey, long outSpi, Keys outKey, SaSettings mapSa) {
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch(localNet, "0.0.0.255"), null,
            new AddressMatch(remoteNet, "0.0.0.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of(peer),
        List.of("CBC"), mapSa, null, "101", null, inKey.sessionKey(inSpi), outKey.sessionKey(outSpi));
    return withMaps(List.of(map), List.of(acl), wan);
  }

  /**
   * The manual SA {@code manual} (from {@link #gatewayA}/{@link #gatewayB}) as ike-service would install an
   * AES-128-GCM Child SA with the same SPIs and selectors: for tests of the AEAD data path, which manual keying
   * must not reach. Install it with {@code manual = false}.
   */
  public static ChildSa asNegotiatedGcm(ChildSa manual, KeyWrap wrap) {
    byte[] in = HexFormat.of().parseHex(manual.inboundSpi() == SPI_A_TO_B ? GCM_A_TO_B : GCM_B_TO_A);
    byte[] out = HexFormat.of().parseHex(manual.outboundSpi() == SPI_A_TO_B ? GCM_A_TO_B : GCM_B_TO_A);
    return new ChildSa("test-ike-sa", manual.connectionId(), manual.cryptoMap(), manual.mapSequence(),
        manual.inboundSpi(), manual.outboundSpi(), EspTransform.AES_GCM_128, manual.mode(), manual.udpEncapsulation(),
        false, manual.replayWindow(), manual.localAddress(), manual.localPort(), manual.peerAddress(),
        manual.peerPort(), List.of(), List.of(), manual.lifetime(), manual.idleTimeSeconds(), manual.dfBit(),
        wrap.wrap(in), wrap.wrap(out), 1);
  }

  /** The same two gateways with {@code esp-aes 128 esp-sha256-hmac} (transform set "CBC" then names that suite). */
  public static GatewayConfig cbcGateway(boolean a, String wan, String peer, String localNet, String remoteNet) {
    String k1 = "101112131415161718191a1b1c1d1e1f";
    String k2 = "202122232425262728292a2b2c2d2e2f";
    String h1 = k1 + k1;
    String h2 = k2 + k2;
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch(localNet, "0.0.0.255"), null,
            new AddressMatch(remoteNet, "0.0.0.255"), null, null)));
    SessionKey in = a ? new SessionKey(SPI_B_TO_A, k2, h2) : new SessionKey(SPI_A_TO_B, k1, h1);
    SessionKey out = a ? new SessionKey(SPI_A_TO_B, k1, h1) : new SessionKey(SPI_B_TO_A, k2, h2);
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of(peer),
        List.of("CBC"), SaSettings.INHERIT, null, "101", null, in, out);
    GatewayConfig c = withMaps(List.of(map), List.of(acl), wan);
    return c.toBuilder()
        .transformSets(List.of(new TransformSet("CBC", EspTransform.AES_CBC_128_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .build();
  }

  /** SPIs of the IPv6 crypto map's manual SA pair ({@link #dualStack}). */
  public static final long SPI6_A_TO_B = 0x3003;
  public static final long SPI6_B_TO_A = 0x4004;

  /**
   * Gateway A ({@code a}) or B of a dual-stack pair, as the IOS text
   *
   * <pre>
   * access-list 101 permit ip LOCAL4 0.0.0.255 REMOTE4 0.0.0.255
   * ipv6 access-list LAN6
   *  permit ipv6 LOCAL6/64 REMOTE6/64
   * crypto map VPN 10 ipsec-manual          ! IPv4 inner traffic
   *  set peer PEER                          ! an IPv4 or an IPv6 address: the outer family
   *  match address 101 …
   * crypto map VPN6 10 ipsec-manual         ! IPv6 inner traffic
   *  set peer PEER
   *  match address LAN6 …
   * interface wan0
   *  ip address WAN 255.255.255.252 | ipv6 address WAN/64
   *  crypto map VPN
   *  ipv6 crypto map VPN6
   * </pre>
   *
   * so one WAN of either family carries both inner families (IPv4 in IPv6, IPv6 in IPv4, and the same-family cases).
   * Without UDP encapsulation when {@code udp} is false.
   */
  public static GatewayConfig dualStack(boolean a, String wan, String peer, String local4, String remote4,
      String local6, String remote6, boolean udp) {
    AccessList acl4 = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch(local4, "0.0.0.255"), null,
            new AddressMatch(remote4, "0.0.0.255"), null, null)));
    AccessList acl6 = new AccessList("LAN6", false, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ipv6", AddressMatch.ipv6Prefix(local6, 64), null,
            AddressMatch.ipv6Prefix(remote6, 64), null, null)), true);
    Keys in = a ? KEY_B_TO_A : KEY_A_TO_B;
    Keys out = a ? KEY_A_TO_B : KEY_B_TO_A;
    CryptoMapEntry map4 = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of(peer),
        List.of("CBC"), SaSettings.INHERIT, null, "101", null, in.sessionKey(a ? SPI_B_TO_A : SPI_A_TO_B),
        out.sessionKey(a ? SPI_A_TO_B : SPI_B_TO_A));
    CryptoMapEntry map6 = new CryptoMapEntry("VPN6", 10, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of(peer),
        List.of("CBC"), SaSettings.INHERIT, null, "LAN6", null, in.sessionKey(a ? SPI6_B_TO_A : SPI6_A_TO_B),
        out.sessionKey(a ? SPI6_A_TO_B : SPI6_B_TO_A));
    GatewayConfig c = withNatTransparency(withMaps(List.of(map4, map6), List.of(acl4, acl6), wan), udp);
    InterfaceConfig wan0 = wan.indexOf(':') >= 0
        ? new InterfaceConfig("wan0", null, null, null, "VPN", null, null).withIpv6(wan + "/64", "VPN6")
        : new InterfaceConfig("wan0", wan, "255.255.255.252", null, "VPN", null, null).withIpv6(null, "VPN6");
    return c.toBuilder().interfaces(List.of(wan0)).build();
  }

  /** A configuration with the given crypto map entries and ACLs, applied to interface wan0. */
  public static GatewayConfig withMaps(List<CryptoMapEntry> maps, List<AccessList> acls, String wan) {
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("CBC", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(maps)
        .accessLists(acls)
        .interfaces(List.of(new InterfaceConfig("wan0", wan, "255.255.255.252", null, "VPN", null, null)))
        .build();
  }
}

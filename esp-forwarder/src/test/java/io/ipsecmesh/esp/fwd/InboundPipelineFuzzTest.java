package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.ipsecmesh.proto.esp.UdpEncapKind;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of the forwarder's inbound path (RFC 4301 §5.2): SAD lookup by SPI →
 * anti-replay → ICV check → decrypt → padding and next header (RFC 4303 §2.4–2.6) → inner packet parser →
 * selectors, on an SA installed through the production path (configuration → {@link ManualKeying} →
 * {@link SaFactory} → {@link SaDatabase}). The SA is strongSwan's gwa→gwb SA of the {@code ikev2-psk-cbc}
 * capture (SPI 0xd00d727e, AES-CBC-256 + HMAC-SHA-256-128, keys from its {@code .esp_sa}), entered as
 * {@code crypto map VPN 10 ipsec-manual} session keys, so the captured ESP packets are authentic seeds that
 * decrypt and pass the selectors.
 *
 * <p>Property: no exception, whatever arrives; every packet ends up counted (delivered or one of the
 * per-SA error counters, or an invalid SPI).
 *
 * <ul>
 *   <li>{@link #receive(byte[])}: the UDP payload as it arrives on port 4500 (corpus {@code
 *       InboundPipelineFuzzTestInputs/receive/}, seeded with the capture's ESP packets).
 *   <li>{@link #receiveAuthentic(byte[])}: the fuzzer's bytes become the plaintext of an ESP packet that
 *       carries a valid ICV under the SA's keys (padding, pad length and next header are the fuzzer's),
 *       because the code after the ICV check is reached only by packets a key holder made.
 * </ul>
 */
class InboundPipelineFuzzTest {

  private static final InetSocketAddress GWA = new InetSocketAddress("172.31.255.1", 4500);
  static final long SPI_IN = 0xd00d727eL;
  static final String ENC_IN = "a207c97f79515426e3a4a9c7a818985a61914d806479780dd7f2643abe54f9bd";
  static final String AUTH_IN = "c7d7d3e5098c96278f1823b6cddde03c04f91b87576e25f046a0f5840d32f8de";
  private static final long SPI_OUT = 0xb6ee2e71L;
  private static final String ENC_OUT = "22f9241038392933388c80552eaad99c3cd3c0709be3b8ff5e34cf739e5113e6";
  private static final String AUTH_OUT = "34e5029b39ba6983dce773a2ab7bb6eec5f1202e721db73ae4cb9a7a806076b8";
  private static final int MAX_DATAGRAM = PacketBuffer.MAX_PACKET + PacketBuffer.TAILROOM;

  /**
   * gwb of the capture as IOS text: {@code crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac},
   * {@code access-list 101 permit ip 10.91.2.0 0.0.0.255 10.91.1.0 0.0.0.255}, {@code crypto map VPN 10
   * ipsec-manual / set peer 172.31.255.1 / set transform-set TS / match address 101 / set session-key
   * inbound esp 3490541182 cipher ENC_IN authenticator AUTH_IN / set session-key outbound esp … }, on
   * interface wan0 172.31.255.2.
   */
  static GatewayConfig gwb() {
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.91.2.0", "0.0.0.255"), null,
            new AddressMatch("10.91.1.0", "0.0.0.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of("172.31.255.1"),
        List.of("TS"), SaSettings.INHERIT, null, "101", null, new SessionKey(SPI_IN, ENC_IN, AUTH_IN),
        new SessionKey(SPI_OUT, ENC_OUT, AUTH_OUT));
    GatewayConfig c = ManualKeyConfigs.withMaps(List.of(map), List.of(acl), "172.31.255.2");
    return c.toBuilder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .build();
  }

  @FuzzTest
  void receive(byte[] datagram) {
    // what the 4500 socket hands to onEsp (UdpEncapSocket): fits its buffer, classified as ESP
    if (datagram.length > MAX_DATAGRAM
        || UdpEncapClassifier.classify(datagram, 0, datagram.length) != UdpEncapKind.ESP) {
      return;
    }
    TestGateway gw = new TestGateway().configure(gwb());
    gw.receive(datagram, GWA);
    assertCounted(gw);
  }

  @FuzzTest
  void receiveAuthentic(byte[] plaintext) throws GeneralSecurityException {
    if (plaintext.length > PacketBuffer.MAX_PACKET) {
      return;
    }
    TestGateway gw = new TestGateway().configure(gwb());
    gw.receive(sealCbcSha256(plaintext, 1), GWA);
    assertCounted(gw);
    assertEquals(0, gw.onlySa().inbound().authFailures(), "a packet with a valid ICV failed the ICV check");
  }

  /** The seeds reach the end of the pipeline: strongSwan's captured ESP and our sealed plaintext are delivered. */
  @Test
  void theCapturedEspPacketsAndTheAuthenticSeedAreDelivered() throws Exception {
    for (String seed : List.of("receive/ikev2-psk-cbc-frame005-esp-spi-d00d727e",
        "receive/ikev2-psk-cbc-frame009-esp-spi-d00d727e", "receiveAuthentic/icmp-echo-10.91.1.10-to-10.91.2.10")) {
      byte[] input;
      try (InputStream in = InboundPipelineFuzzTest.class.getResourceAsStream("InboundPipelineFuzzTestInputs/" + seed)) {
        input = in.readAllBytes();
      }
      TestGateway gw = new TestGateway().configure(gwb());
      gw.receive(seed.startsWith("receive/") ? input : sealCbcSha256(input, 1), GWA);
      assertEquals(1, gw.onlySa().inbound().decaps(), seed);
      byte[] inner = gw.port.poll(0);
      assertEquals(84, inner.length, seed + ": the ICMP echo (20 + 8 + 56 bytes)");
    }
  }

  /** Exactly one outcome per packet: delivered, or counted as an error of the SA or the forwarder. */
  private static void assertCounted(TestGateway gw) {
    InboundSa in = gw.onlySa().inbound();
    long outcomes = in.decaps() + in.recvErrors() + in.replayFailures() + in.policyFailures()
        + gw.plane.stats().invalidSpi() + gw.plane.stats().inboundDummy;
    assertTrue(outcomes == 1, "outcomes " + outcomes + " for one packet");
    assertTrue(gw.port.pending() <= 1, "one packet in, at most one out");
  }

  /**
   * RFC 4303 §3.3.2 with AES-CBC (RFC 3602) and HMAC-SHA-256-128 (RFC 4868) as strongSwan builds it, except
   * that the fuzzer writes the whole plaintext, trailer included (zero-extended to the block size).
   */
  static byte[] sealCbcSha256(byte[] plaintext, int seq) throws GeneralSecurityException {
    HexFormat hex = HexFormat.of();
    int len = Math.max(16, (plaintext.length + 15) / 16 * 16);
    byte[] padded = Arrays.copyOf(plaintext, len);
    byte[] iv = new byte[16];
    iv[0] = (byte) seq;
    Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hex.parseHex(ENC_IN), "AES"), new IvParameterSpec(iv));
    byte[] ct = aes.doFinal(padded);
    byte[] esp = new byte[8 + 16 + ct.length + 16];
    EspHeader.writeInt(esp, 0, (int) SPI_IN);
    EspHeader.writeInt(esp, 4, seq);
    System.arraycopy(iv, 0, esp, 8, 16);
    System.arraycopy(ct, 0, esp, 24, ct.length);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(hex.parseHex(AUTH_IN), "HmacSHA256"));
    mac.update(esp, 0, 24 + ct.length);
    System.arraycopy(mac.doFinal(), 0, esp, 24 + ct.length, 16);
    return esp;
  }
}

package io.ipsecmesh.bench.ike;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.PrfAlgorithm;
import io.ipsecmesh.ike.crypto.PskAuthenticator;
import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The steps of one IKEv2 responder exchange pair (IKE_SA_INIT + IKE_AUTH, X25519, PSK, one Child SA) taken
 * one at a time, and what ike-service does around it per SA, so the whole gateway's CPU per IKE SA in
 * {@code ike-loadtest.sh} can be split into parts (docs/performance.md, "IKEv2 responder under load").
 * Each method is what the responder does <em>once per IKE SA</em> for that step:
 * <ul>
 *   <li>{@code dh*}: one ephemeral key pair plus one agreement with the peer's public value, per group and
 *       implementation (the JDK's JCE, Bouncy Castle's constant-time {@code rfc7748.X25519});
 *   <li>{@code keys}: SKEYSEED and the seven SK_* keys by prf+ (RFC 7296 §2.14);
 *   <li>{@code auth}: the initiator's AUTH checked and the responder's made (RFC 7296 §2.15, PSK);
 *   <li>{@code codec*}: decode/encode of the IKE_SA_INIT request and of the IKE_AUTH request's outer message;
 *   <li>{@code record*}: the JSON records ike-service writes per SA — the {@code ipsec.child-sa} value
 *       (sealed keys, {@code $mac}), the {@code ipsec.ike-sa} row, the canonical form {@code ControlAuth} MACs
 *       for every {@code sa.child.installed} publish and delivery, and the forwarder's decode of a map entry.
 * </ul>
 * The engine as a whole (two engines on an in-memory wire) is {@link IkeEngineExchangeBenchmark}; the Hazelcast
 * writes are {@link IkeMapWriteBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IkeResponderStepsBenchmark {

  private static final SecureRandom RANDOM = new SecureRandom();

  private byte[] x25519PeerPublic;
  private byte[] p256PeerPublic;
  private byte[] modpPeerPublic;
  private KeyPair p256PeerPair;
  private IkeSuite suite;
  private byte[] shared;
  private byte[] ni;
  private byte[] nr;
  private IkeSaKeys keys;
  private byte[] psk;
  private byte[] initRequest;
  private byte[] authRequest;
  private IkeMessage initRequestDecoded;
  private Payload.Identification idi;
  private Payload.Identification idr;
  private byte[] initiatorAuth;
  private ChildSa childSa;
  private IkeSaSummary summary;
  private String childSaJson;
  private SkCipher skInitiator;
  private byte[] dpdProbe;
  private Payload.Encrypted dpdProbeSk;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    x25519PeerPublic = DhGroup.CURVE25519.newExchange().publicValue();
    p256PeerPublic = DhGroup.ECP_256.newExchange().publicValue();
    modpPeerPublic = DhGroup.MODP_2048.newExchange().publicValue();
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    p256PeerPair = g.generateKeyPair();
    suite = Proposals.parseSuite("aes128gcm16-prfsha256-x25519");
    shared = DhGroup.CURVE25519.newExchange().sharedSecret(x25519PeerPublic);
    ni = random(32);
    nr = random(32);
    keys = IkeSaKeys.derive(suite, shared, ni, nr, 0x1122334455667788L, 0x99aabbccddeeff01L);
    psk = "load-tester-psk-0123456789".getBytes(StandardCharsets.UTF_8);
    idi = new Payload.Identification(true, IkeConstants.ID_FQDN, "c1-r1.strongswan.org".getBytes(StandardCharsets.UTF_8));
    idr = new Payload.Identification(false, IkeConstants.ID_IPV4_ADDR, new byte[] {(byte) 172, 31, (byte) 255, 2});
    IkeEngineExchangeBenchmark.Captured captured = IkeEngineExchangeBenchmark.capture();
    initRequest = captured.initRequest();
    authRequest = captured.authRequest();
    initRequestDecoded = IkeCodec.decode(initRequest);
    initiatorAuth = PskAuthenticator.authData(PrfAlgorithm.HMAC_SHA2_256, psk, initRequest, nr, keys.skPi, idi);

    KeyWrap wrap = new KeyWrap(new byte[32]);
    childSa = new ChildSa("1122334455667788:99aabbccddeeff01", 1000, "VPN", 10, 0xc0000001L, 0xd0000001L,
        EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, false, true, 64, "172.31.255.1", 500, "172.31.255.2", 0,
        List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")),
        List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", wrap.wrap(new byte[20]),
        wrap.wrap(new byte[20]), 1_700_000_000_000L);
    summary = new IkeSaSummary("1122334455667788:99aabbccddeeff01", "172.31.255.1", "172.31.255.2", "READY", 1000,
        "ACTIVE", "c1-r1.strongswan.org", 2, 500, 500, "Responder", 1_700_000_000_000L,
        new IkeSaSummary.Detail("AES-GCM", 128, "SHA256", "None", 31, "PSK", "PSK", 86400, "1122334455667788",
            "99aabbccddeeff01", "172.31.255.2", false, false));
    childSaJson = RecordJson.toJson(childSa).encode();
    skInitiator = keys.initiatorCipher();
    dpdProbe = skProtectDpd();
    dpdProbeSk = (Payload.Encrypted) IkeCodec.decode(dpdProbe).payloads().getLast();
  }

  // ---- SK payload (§3.14): a DPD probe, an empty INFORMATIONAL, sealed by one side and opened by the other ----

  @Benchmark
  public byte[] skProtectDpd() {
    return skInitiator.protect(IkeHeader.of(0x1122334455667788L, 0x99aabbccddeeff01L, IkeConstants.INFORMATIONAL,
        IkeConstants.FLAG_INITIATOR, 7), List.of());
  }

  @Benchmark
  public List<Payload> skOpenDpd() throws Exception {
    return skInitiator.open(dpdProbe, dpdProbeSk);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  // ---- Diffie-Hellman: one key pair + one agreement, what a responder does per IKE_SA_INIT ----

  /** X25519 as ike-service does it ({@code DhGroup}: the JDK's XDH before, Bouncy Castle's rfc7748 after). */
  @Benchmark
  public byte[] dhX25519Engine() throws Exception {
    return DhGroup.CURVE25519.newExchange().sharedSecret(x25519PeerPublic);
  }

  /** X25519 with the JDK's JCE (KeyPairGenerator + KeyAgreement "X25519"). */
  @Benchmark
  public byte[] dhX25519Jdk() throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance("X25519");
    ka.init(kp.getPrivate());
    byte[] spki = kp.getPublic().getEncoded();
    ka.doPhase(java.security.KeyFactory.getInstance("X25519").generatePublic(
        new java.security.spec.X509EncodedKeySpec(spki)), true);
    return ka.generateSecret();
  }

  /** X25519 with Bouncy Castle's constant-time {@code org.bouncycastle.math.ec.rfc7748.X25519}. */
  @Benchmark
  public byte[] dhX25519BouncyCastle() {
    byte[] k = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(RANDOM, k);
    byte[] pub = new byte[X25519.POINT_SIZE];
    X25519.generatePublicKey(k, 0, pub, 0);
    byte[] s = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(k, 0, x25519PeerPublic, 0, s, 0)) {
      throw new IllegalStateException("all-zero X25519 output");
    }
    return s;
  }

  /** ECP-256 as ike-service does it (the JDK's EC, constant time). */
  @Benchmark
  public byte[] dhP256Engine() throws Exception {
    return DhGroup.ECP_256.newExchange().sharedSecret(p256PeerPublic);
  }

  /**
   * ECP-256 with Bouncy Castle's JCE provider, for comparison only: its variable-base multiplication is not
   * constant time, so it is no candidate for ike-service whatever it measures.
   */
  @Benchmark
  public byte[] dhP256BouncyCastle() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BouncyCastleHolder.PROVIDER);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance("ECDH", BouncyCastleHolder.PROVIDER);
    ka.init(kp.getPrivate());
    ka.doPhase(p256PeerPair.getPublic(), true);
    return ka.generateSecret();
  }

  /** MODP-2048 (group 14) as ike-service does it (the JDK, 512-bit exponent). */
  @Benchmark
  public byte[] dhModp2048Engine() throws Exception {
    return DhGroup.MODP_2048.newExchange().sharedSecret(modpPeerPublic);
  }

  // ---- key derivation, AUTH ----

  /** SKEYSEED = prf(Ni | Nr, g^ir) and prf+ into SK_d, SK_ai/ar, SK_ei/er, SK_pi/pr (RFC 7296 §2.14). */
  @Benchmark
  public IkeSaKeys keys() {
    IkeSaKeys k = IkeSaKeys.derive(suite, shared, ni, nr, 0x1122334455667788L, 0x99aabbccddeeff01L);
    k.destroy();
    return k;
  }

  /** The initiator's PSK AUTH verified (constant time) and the responder's made (RFC 7296 §2.15). */
  @Benchmark
  public byte[] auth() {
    byte[] expected = PskAuthenticator.authData(PrfAlgorithm.HMAC_SHA2_256, psk, initRequest, nr, keys.skPi, idi);
    if (!PskAuthenticator.verify(expected, initiatorAuth)) {
      throw new IllegalStateException("AUTH");
    }
    return PskAuthenticator.authData(PrfAlgorithm.HMAC_SHA2_256, psk, initRequest, ni, keys.skPr, idr);
  }

  // ---- codec ----

  @Benchmark
  public IkeMessage codecDecodeInitRequest() throws Exception {
    return IkeCodec.decode(initRequest);
  }

  @Benchmark
  public byte[] codecEncodeInit() {
    return IkeCodec.encode(initRequestDecoded);
  }

  /** The IKE_AUTH request up to its SK payload (the inner payloads are decoded after SK is opened). */
  @Benchmark
  public IkeMessage codecDecodeAuthRequestOuter() throws Exception {
    return IkeCodec.decode(authRequest);
  }

  // ---- records ike-service writes per SA ----

  /** The {@code ipsec.child-sa} value: wrapped keys sealed (AES-GCM), {@code $mac} (HMAC over normalized JSON). */
  @Benchmark
  public String recordChildSaToJson() {
    return RecordJson.toJson(childSa).encode();
  }

  /** The {@code ipsec.ike-sa} row ({@code summaryChanged}), with its {@code $mac}. */
  @Benchmark
  public String recordSummaryToJson() {
    return RecordJson.toJson(summary).encode();
  }

  /** What {@code ControlAuth} MACs for one {@code sa.child.installed} message: the body's normalized JSON. */
  @Benchmark
  public String recordControlAuthCanonical() {
    return RecordJson.normalized(new SaMessages.ChildSaInstalled(childSa)).encode();
  }

  /** What the forwarder's map listener does for every {@code ipsec.child-sa} put: parse, open, verify the MAC. */
  @Benchmark
  public ChildSa recordChildSaFromJson() {
    return RecordJson.fromJson(new JsonObject(childSaJson), ChildSa.class);
  }

  /** Bouncy Castle's JCE provider, loaded once (for the comparison only; ike-service does not register it). */
  private static final class BouncyCastleHolder {
    static final java.security.Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();
  }
}

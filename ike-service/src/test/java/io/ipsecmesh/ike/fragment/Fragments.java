package io.ipsecmesh.ike.fragment;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.EncrAlgorithm;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.IntegAlgorithm;
import io.ipsecmesh.ike.crypto.PrfAlgorithm;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the fragment tests share: suites, keys of one IKE SA, an IKE_AUTH-like message of a chosen size. */
final class Fragments {

  static final IkeSuite GCM =
      new IkeSuite(EncrAlgorithm.AES_GCM_16, 128, PrfAlgorithm.HMAC_SHA2_256, null, DhGroup.CURVE25519);
  static final IkeSuite CBC = new IkeSuite(EncrAlgorithm.AES_CBC, 256, PrfAlgorithm.HMAC_SHA2_256,
      IntegAlgorithm.HMAC_SHA2_256_128, DhGroup.MODP_2048);

  static Stream<IkeSuite> suites() {
    return Stream.of(GCM, CBC);
  }

  /** Fresh nonces, as every IKE SA has: two calls never give the same key, so never the same SK nonce under one. */
  static IkeSaKeys keys(IkeSuite suite) throws Exception {
    byte[] nonce = new byte[32];
    new java.security.SecureRandom().nextBytes(nonce);
    return IkeSaKeys.derive(suite, new byte[32], nonce, nonce, 0x1111L, 0x2222L);
  }

  static IkeHeader header(long messageId) {
    return IkeHeader.of(0x1111L, 0x2222L, IkeConstants.IKE_AUTH, IkeConstants.FLAG_INITIATOR, messageId);
  }

  /** IDi, a CERT of {@code certBytes} (a recognisable pattern), AUTH: the shape of a certificate IKE_AUTH. */
  static List<Payload> ikeAuth(int certBytes) {
    byte[] cert = new byte[certBytes];
    for (int i = 0; i < cert.length; i++) {
      cert[i] = (byte) (i * 31 + 7);
    }
    List<Payload> p = new ArrayList<>();
    p.add(new Payload.Identification(true, IkeConstants.ID_FQDN, "gwa.example.net".getBytes()));
    p.add(new Payload.Certificate(IkeConstants.CERT_X509_SIGNATURE, cert));
    p.add(new Payload.Authentication(IkeConstants.AUTH_DIGITAL_SIGNATURE, new byte[512]));
    return p;
  }

  static Payload.EncryptedFragment skf(byte[] datagram) throws IkeDecodeException {
    return (Payload.EncryptedFragment) IkeCodec.decode(datagram).payloads().getLast();
  }

  private Fragments() {}
}

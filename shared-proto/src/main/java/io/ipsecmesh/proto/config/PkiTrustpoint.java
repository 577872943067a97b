package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto pki trustpoint NAME} with the CA certificates of its {@code crypto pki certificate chain NAME}
 * ({@code certificate ca SERIAL} … {@code quit}): the trust anchors an IKEv2 profile's {@code pki trustpoint NAME}
 * verifies peers' certificates with (RFC 4945 §3).
 *
 * @param revocationCheck {@code revocation-check crl|none|crl none}
 * @param crlQuery        {@code crl query URL}: where the CRL is read (http:// or file:); null = the certificate's
 *                        CRL distribution point (RFC 5280 §4.2.1.13), as IOS does
 * @param caCertificates  DER of each CA certificate, lower-case hex
 */
public record PkiTrustpoint(String name, Revocation revocationCheck, String crlQuery, List<String> caCertificates) {

  /** {@code revocation-check}: none (default), crl (a certificate without a current CRL is refused), crl none (a CRL
   * that cannot be fetched is tolerated). */
  public enum Revocation {
    NONE("none"), CRL("crl"), CRL_NONE("crl none");

    private final String keyword;

    Revocation(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }
  }

  public PkiTrustpoint {
    revocationCheck = revocationCheck == null ? Revocation.NONE : revocationCheck;
    caCertificates = caCertificates == null ? List.of() : List.copyOf(caCertificates);
  }
}

package io.ipsecmesh.ike.crypto;

/**
 * {@code revocation-check} of the trustpoints a profile verifies with (RFC 4945 §6: revocation by CRL).
 *
 * @param check     {@code revocation-check crl} or {@code crl none}: the peer's certificate must not be on its CA's CRL
 * @param softFail  {@code crl none}: a CRL that cannot be had is tolerated (a revoked certificate is still refused)
 * @param crlQuery  {@code crl query URL}, or null for the certificate's CRL distribution point
 */
public record RevocationPolicy(boolean check, boolean softFail, String crlQuery) {

  public static final RevocationPolicy NONE = new RevocationPolicy(false, false, null);
}

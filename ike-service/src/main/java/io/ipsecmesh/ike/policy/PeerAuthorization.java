package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.Ipv4;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a peer must prove to get an SA under one IKEv2 profile: an identity the profile's
 * {@code match identity remote} statements accept, the profile's {@code authentication remote} method, and —
 * for pre-shared keys — the key of the keyring peer its identity selects; for signatures, a certificate that
 * chains to the profile's trust anchors ({@code pki trustpoint}).
 *
 * <p>IOS selects the profile by the peer's identity and refuses what no profile matches; RFC 7296 §2.15 makes
 * the responder choose the shared key by IDi, and RFC 4945 §3.1 requires the ID to be bound to the
 * authentication ("the IKE ID MUST be checked against the certificate"). Identity types are those of RFC
 * 7296 §3.5 (IKEv1 uses the same numbers, RFC 2407 §4.6.2.1).
 *
 * @param matches      the accepted identities; an empty list accepts nothing (an IOS profile without
 *                     {@code match identity remote} is incomplete and never selected)
 * @param method       {@code authentication remote}
 * @param identityKeys keyring peers found by {@code identity}: the responder's key for an IDi they accept
 * @param anchors      the CAs a peer's certificate must chain to (empty for pre-shared keys)
 * @param revocation   the trustpoints' {@code revocation-check} and {@code crl query}
 */
public record PeerAuthorization(List<IdentityMatch> matches, Method method, List<IdentityKey> identityKeys,
    Set<TrustAnchor> anchors, io.ipsecmesh.ike.crypto.RevocationPolicy revocation) {

  /** {@code authentication remote pre-share|rsa-sig|ecdsa-sig}. */
  public enum Method {
    PRE_SHARE("pre-share"), RSA_SIG("rsa-sig"), ECDSA_SIG("ecdsa-sig");

    public final String keyword;

    Method(String keyword) {
      this.keyword = keyword;
    }

    public static Method of(String keyword) {
      for (Method m : values()) {
        if (m.keyword.equals(keyword)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown authentication method " + keyword);
    }

    public boolean signature() {
      return this != PRE_SHARE;
    }
  }

  /** A keyring peer found by identity: its match and keys (local signs our AUTH, remote verifies the peer's). */
  public record IdentityKey(IdentityMatch match, byte[] localKey, byte[] remoteKey) {}

  public PeerAuthorization {
    matches = List.copyOf(matches);
    identityKeys = List.copyOf(identityKeys);
    anchors = Set.copyOf(anchors);
    revocation = revocation == null ? io.ipsecmesh.ike.crypto.RevocationPolicy.NONE : revocation;
  }

  /** Pre-shared keys, peers accepted by {@code matches}, no keys by identity. */
  public static PeerAuthorization preShared(List<IdentityMatch> matches) {
    return new PeerAuthorization(matches, Method.PRE_SHARE, List.of(), Set.of(),
        io.ipsecmesh.ike.crypto.RevocationPolicy.NONE);
  }

  /** Whether a received identity (RFC 7296 §3.5 type and data) is one this profile accepts. */
  public boolean accepts(int idType, byte[] data) {
    return matches.stream().anyMatch(m -> matches(m, idType, data));
  }

  /** The keyring peer found by this identity, or null (then the key found by address applies). */
  public IdentityKey keyFor(int idType, byte[] data) {
    return identityKeys.stream().filter(k -> matches(k.match(), idType, data)).findFirst().orElse(null);
  }

  /**
   * One statement against one identity: an address in the statement's range (ID_IPV4_ADDR), the FQDN itself
   * or a name in its domain (ID_FQDN, compared without case as DNS names are), the e-mail address or one in
   * the domain (ID_RFC822_ADDR), the key-id octets (ID_KEY_ID). Names with non-ASCII octets match nothing.
   */
  public static boolean matches(IdentityMatch m, int idType, byte[] data) {
    switch (m.type()) {
      case ADDRESS -> {
        if (io.ipsecmesh.proto.config.Ipv6.looksLike(m.value())) {
          // "network/length" of match identity remote address IPV6/LEN: an ID_IPV6_ADDR (type 5) in the prefix
          if (idType != 5 || data.length != 16) {
            return false;
          }
          int slash = m.value().indexOf('/');
          return io.ipsecmesh.proto.config.Ipv6.inPrefix(m.value().substring(0, slash),
              Integer.parseInt(m.value().substring(slash + 1)), io.ipsecmesh.proto.config.Ipv6.text(data));
        }
        if (idType != 1 || data.length != 4) {
          return false;
        }
        String[] ipMask = m.value().split(" ");
        long mask = ipMask.length > 1 ? Ipv4.toLong(ipMask[1]) : 0xFFFF_FFFFL;
        long a = ((data[0] & 0xffL) << 24) | ((data[1] & 0xffL) << 16) | ((data[2] & 0xffL) << 8) | (data[3] & 0xffL);
        return (a & mask) == (Ipv4.toLong(ipMask[0]) & mask);
      }
      case FQDN -> {
        String name = ascii(idType == 2 ? data : null);
        return name != null && inDomainOrEqual(name.toLowerCase(Locale.ROOT), m.value().toLowerCase(Locale.ROOT),
            m.domain());
      }
      case EMAIL -> {
        String mail = ascii(idType == 3 ? data : null);
        if (mail == null) {
          return false;
        }
        if (!m.domain()) {
          return mail.equalsIgnoreCase(m.value());
        }
        int at = mail.lastIndexOf('@');
        return at > 0 && inDomainOrEqual(mail.substring(at + 1).toLowerCase(Locale.ROOT),
            m.value().toLowerCase(Locale.ROOT), true);
      }
      case KEY_ID -> {
        return idType == 11 && java.util.Arrays.equals(data, m.value().getBytes(StandardCharsets.UTF_8));
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean inDomainOrEqual(String name, String wanted, boolean domain) {
    return name.equals(wanted) || domain && name.endsWith("." + wanted);
  }

  private static String ascii(byte[] data) {
    if (data == null || data.length == 0 || data.length > 255) {
      return null;
    }
    for (byte b : data) {
      if (b <= ' ' || b == 127) {
        return null;
      }
    }
    return new String(data, StandardCharsets.US_ASCII);
  }
}

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once the whole file is read, what one line says about another: names that are used but never
 * defined (a warning, as on IOS, where the seed examples themselves refer to access lists they do not
 * show), manual session keys whose length does not fit the transform set (an error: the SA could not run),
 * and {@code set pfs group31} on an entry that negotiates IKEv1 (an error: no Quick Mode could agree on it).
 */
final class CrossReferences {

  enum Kind {
    ACCESS_LIST("access list"),
    TRANSFORM_SET("transform set"),
    CRYPTO_MAP("crypto map"),
    EZVPN("ezvpn client"),
    IKEV2_PROFILE("ikev2 profile"),
    IKEV2_KEYRING("ikev2 keyring"),
    IKEV2_PROPOSAL("ikev2 proposal"),
    PKI_TRUSTPOINT("pki trustpoint"),
    ISAKMP_PROFILE("isakmp profile"),
    DYNAMIC_MAP("dynamic crypto map"),
    IPSEC_PROFILE("ipsec profile"),
    INTERFACE("interface");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private record Reference(Kind kind, String name, int line) {}

  private final List<Reference> references = new ArrayList<>();

  void add(Kind kind, String name, int line) {
    references.add(new Reference(kind, name, line));
  }

  void check(ConfigDraft draft, Diagnostics diagnostics) {
    for (Reference r : references) {
      if (!defined(draft, r)) {
        diagnostics.warn(r.line, r.kind.label + " " + r.name + " is not defined");
      }
    }
    for (ConfigDraft.TrustpointDraft t : draft.pkiTrustpoints.values()) {
      for (CertificateChainBlock.HexBlock open : t.openCertificates) {
        diagnostics.error(open.line(), open.missingQuit());
      }
    }
    for (ConfigDraft.CryptoMapDraft m : draft.cryptoMaps.values()) {
      if (m.keying == CryptoMapEntry.Keying.IPSEC_MANUAL) {
        checkManualKeys(draft, m, diagnostics);
      }
      checkIkev1PfsGroup(m, diagnostics);
    }
    for (ConfigDraft.CryptoMapDraft m : draft.dynamicMaps.values()) {
      checkIkev1PfsGroup(m, diagnostics);
    }
  }

  /**
   * {@code set pfs group31} on an entry that negotiates IKEv1 (ipsec-isakmp without {@code set ikev2-profile},
   * the IOS rule): Curve25519 is defined for IKEv2 only (RFC 8031), so no Quick Mode could agree on it. Checked
   * here rather than at the {@code set pfs} line because IOS writes {@code set ikev2-profile} after
   * {@code set pfs}, and an entry can be reopened further down the file.
   */
  private static void checkIkev1PfsGroup(ConfigDraft.CryptoMapDraft m, Diagnostics diagnostics) {
    if (m.keying == CryptoMapEntry.Keying.IPSEC_ISAKMP && m.ikev2Profile == null && m.pfsGroup != null
        && m.pfsGroup == 31) {
      diagnostics.error(m.pfsLine, "set pfs group31: group 31 (Curve25519) is defined for IKEv2 only (RFC 8031),"
          + " and crypto map " + m.name + " " + m.seq + " has no set ikev2-profile, so it negotiates IKEv1:"
          + " use group14, group19 or group20, or set an ikev2-profile");
    }
  }

  private static boolean defined(ConfigDraft d, Reference r) {
    return switch (r.kind) {
      case ACCESS_LIST -> d.accessLists.containsKey(r.name);
      case TRANSFORM_SET -> d.transformSets.containsKey(r.name) || d.refusedTransformSets.contains(r.name);
      case CRYPTO_MAP -> d.cryptoMaps.values().stream().anyMatch(m -> m.name.equals(r.name));
      case EZVPN -> d.ezvpnClients.containsKey(r.name);
      case IKEV2_PROFILE -> d.ikev2Profiles.containsKey(r.name);
      case IKEV2_KEYRING -> d.ikev2Keyrings.containsKey(r.name);
      case IKEV2_PROPOSAL -> d.ikev2Proposals.containsKey(r.name);
      case PKI_TRUSTPOINT -> d.pkiTrustpoints.containsKey(r.name) && d.pkiTrustpoints.get(r.name).defined;
      case ISAKMP_PROFILE -> d.isakmpProfiles.containsKey(r.name);
      case DYNAMIC_MAP -> d.dynamicMaps.values().stream().anyMatch(m -> m.name.equals(r.name));
      case IPSEC_PROFILE -> d.ipsecProfiles.containsKey(r.name);
      case INTERFACE -> d.interfaces.containsKey(r.name);
    };
  }

  private static void checkManualKeys(ConfigDraft d, ConfigDraft.CryptoMapDraft m, Diagnostics diagnostics) {
    if (m.transformSets.isEmpty()) {
      return;
    }
    ConfigDraft.TransformSetDraft set = d.transformSets.get(m.transformSets.get(0));
    if (set == null || set.transform == null) {
      return;
    }
    if (set.transform.aead) {
      // RFC 4106 §2 / RFC 8221 §3: AES-GCM (and any counter-mode AEAD, ChaCha20-Poly1305 too) MUST NOT
      // be used with manual keys: nothing can rekey them, so a restart or a second box with the same
      // key would repeat (key, nonce) pairs, which discloses plaintext and forges tags
      diagnostics.error(m.transformSetLine, "set transform-set: transform set " + set.name + " ("
          + set.transform.iosName + ") is a counter-mode AEAD, which must not be used with manual keys (RFC 4106 §2,"
          + " RFC 8221 §3: a restart would repeat nonces under the same key) on crypto map " + m.name + " " + m.seq
          + " ipsec-manual: use esp-aes 256 esp-sha256-hmac");
      return;
    }
    checkKey(m.inboundEsp, m.inboundLine, "inbound", set, diagnostics);
    checkKey(m.outboundEsp, m.outboundLine, "outbound", set, diagnostics);
  }

  private static void checkKey(SessionKey key, int line, String direction,
      ConfigDraft.TransformSetDraft set, Diagnostics diagnostics) {
    if (key == null) {
      return;
    }
    EspTransform t = set.transform;
    String prefix = "set session-key " + direction + " esp: ";
    int cipherBytes = key.cipherHex().length() / 2;
    if (cipherBytes != t.encKeyBytes) {
      diagnostics.error(line, prefix + "cipher key is " + cipherBytes + " bytes, transform set " + set.name + " ("
          + t.iosName + ") needs " + t.encKeyBytes + (t.aead ? " (key + 4-byte salt)" : ""));
    }
    int authBytes = key.authenticatorHex() == null ? 0 : key.authenticatorHex().length() / 2;
    if (authBytes != t.integKeyBytes) {
      diagnostics.error(line, prefix + (t.integKeyBytes == 0
          ? "transform set " + set.name + " (" + t.iosName + ") takes no authenticator key"
          : "authenticator key is " + authBytes + " bytes, transform set " + set.name + " (" + t.iosName + ") needs "
              + t.integKeyBytes));
    }
  }
}

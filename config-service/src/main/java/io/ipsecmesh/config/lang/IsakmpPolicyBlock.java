package io.ipsecmesh.config.lang;

import java.util.Locale;
import java.util.Set;

/** {@code crypto isakmp policy N}: encryption, hash, authentication, group, lifetime. */
final class IsakmpPolicyBlock implements Block {

  /**
   * The groups ike-service's {@code DhGroup} implements: MODP-2048 (14), ECP-256 (19), ECP-384 (20). IOS also
   * takes 15, 16, 21 and 24, but accepting a group the engine cannot compute would make it negotiate without
   * it (for {@code set pfs}: silently without PFS), so those are refused here; a group added to
   * {@code DhGroup} is added here too.
   */
  static final Set<Integer> GROUPS = Set.of(14, 19, 20);

  /**
   * IKEv2 proposals and PFS also take group 31, Curve25519 (RFC 8031), as Cisco's IKEv2 implementations
   * call it; RFC 8031 defines it for IKEv2 only, so {@code crypto isakmp policy} (IKEv1) keeps {@link #GROUPS}.
   */
  static final Set<Integer> IKEV2_GROUPS = Set.of(14, 19, 20, 31);

  /** Bare {@code set pfs} means group 1 on IOS, which is refused; group 14 is the weakest group kept. */
  static final int DEFAULT_PFS_GROUP = 14;

  private final ConfigDraft.PolicyDraft policy;

  IsakmpPolicyBlock(ConfigDraft.PolicyDraft policy) {
    this.policy = policy;
  }

  @Override
  public String title() {
    return "crypto isakmp policy " + policy.priority;
  }

  @Override
  public boolean owns(Args a) {
    return Set.of("encryption", "hash", "authentication", "group", "lifetime")
        .contains(a.word(0).toLowerCase(Locale.ROOT));
  }

  @Override
  public Block apply(Args a) {
    String keyword = a.word(0).toLowerCase(Locale.ROOT);
    a.skip(1).command(keyword);
    switch (keyword) {
      case "encryption" -> policy.encryption = encryption(a);
      case "hash" -> {
        String h = a.oneOf("hash", "sha", "sha256", "sha384", "sha512", "md5");
        if (h.equals("md5")) {
          a.legacy.use(a.lineNumber, InsecureCrypto.ikeHash(h), "hash md5");
        }
        policy.hash = h;
      }
      case "authentication" -> policy.authentication = a.oneOf("method", "pre-share", "rsa-sig", "rsa-encr");
      case "group" -> policy.group = group(a, "group");
      default -> policy.lifetimeSeconds = a.integer("seconds", 60, 86_400);
    }
    a.end();
    return null;
  }

  private static String encryption(Args a) {
    String e = a.oneOf("cipher", "aes", "des", "3des");
    if (e.equals("3des")) {
      a.legacy.use(a.lineNumber, InsecureCrypto.ikeEncryption(e), "encryption 3des");
      return "3des";
    }
    if (!e.equals("aes")) {
      throw new LineError(InsecureCrypto.ikeEncryption(e) + " (single DES is not implemented, not even with '"
          + LegacyCrypto.COMMAND + "')");
    }
    if (!a.hasMore()) {
      return "aes";
    }
    String bits = a.oneOf("key size", "128", "192", "256");
    return bits.equals("128") ? "aes" : "aes " + bits;
  }

  /** An IKEv1 Diffie-Hellman group number: the MODP-768/1024/1536 groups are refused. */
  static int group(Args a, String command) {
    int g = a.integer("Diffie-Hellman group", 1, 31);
    if (g == 31) {
      throw new LineError(command + " 31 (Curve25519) is defined for IKEv2 only (RFC 8031): use it in a crypto"
          + " ikev2 proposal, or group 19 or 20 here");
    }
    return checked(a, command, g, GROUPS, "14, 19 or 20");
  }

  /** An IKEv2 Diffie-Hellman group number ({@code crypto ikev2 proposal … group}), Curve25519 included. */
  static int ikev2Group(Args a, String command) {
    return checked(a, command, a.integer("Diffie-Hellman group", 1, 31), IKEV2_GROUPS,
        "14, 19, 20 or 31");
  }

  private static int checked(Args a, String command, int g, Set<Integer> allowed, String names) {
    if (InsecureCrypto.weakGroup(g)) {
      a.legacy.use(a.lineNumber, InsecureCrypto.dhGroup(command, g), command + " " + g);
      return g;
    }
    if (!allowed.contains(g)) {
      throw a.fail("group must be " + names + ", got " + g + unsupported(g));
    }
    return g;
  }

  /** Why a group IOS knows is refused: said so the operator does not take it for a typo. */
  static String unsupported(int g) {
    return g == 15 || g == 16 || g == 21 || g == 24 ? " (group " + g + " is not implemented by this gateway)" : "";
  }
}

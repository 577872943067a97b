package io.ipsecmesh.config.lang;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code crypto ikev2 proposal NAME}: encryption, integrity, prf and group lists (RFC 8247 algorithms only). */
final class Ikev2ProposalBlock implements Block {

  private static final List<String> ENCRYPTION =
      List.of("aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256");
  private static final List<String> HASHES = List.of("sha1", "sha256", "sha384", "sha512");

  private final ConfigDraft.ProposalDraft proposal;

  Ikev2ProposalBlock(ConfigDraft.ProposalDraft proposal) {
    this.proposal = proposal;
  }

  @Override
  public String title() {
    return "crypto ikev2 proposal " + proposal.name;
  }

  @Override
  public boolean owns(Args a) {
    return Set.of("encryption", "integrity", "prf", "group").contains(a.word(0).toLowerCase(Locale.ROOT));
  }

  @Override
  public Block apply(Args a) {
    String keyword = a.word(0).toLowerCase(Locale.ROOT);
    a.skip(1).command(keyword);
    if (!a.hasMore()) {
      throw a.fail("missing " + keyword + " algorithm");
    }
    while (a.hasMore()) {
      switch (keyword) {
        case "encryption" -> add(proposal.encryption, algorithm(a, "encryption", ENCRYPTION));
        case "integrity" -> add(proposal.integrity, algorithm(a, "integrity", HASHES));
        case "prf" -> add(proposal.prf, algorithm(a, "prf", HASHES));
        default -> {
          int g = IsakmpPolicyBlock.ikev2Group(a, "group");
          if (!proposal.groups.contains(g)) {
            proposal.groups.add(g);
          }
        }
      }
    }
    return null;
  }

  private static String algorithm(Args a, String kind, List<String> allowed) {
    String w = a.next(kind).toLowerCase(Locale.ROOT);
    // IKEv2 SAs run AES only: the legacy IKE algorithms of the shield are IKEv1's (crypto isakmp policy)
    if (w.equals("3des") || w.equals("des")) {
      throw new LineError("encryption " + w + " is insecure (RFC 8247): use aes-gcm-256 or aes-cbc-256 (IKEv2 SAs"
          + " with " + w + " are not implemented, not even with '" + LegacyCrypto.COMMAND + "')");
    }
    if (w.equals("md5")) {
      throw new LineError(kind + " md5 is insecure (RFC 8247): use sha256 (IKEv2 SAs with md5 are not implemented,"
          + " not even with '" + LegacyCrypto.COMMAND + "')");
    }
    if (!allowed.contains(w)) {
      throw a.fail(kind + " must be " + String.join("|", allowed) + ", got '" + Args.quote(w) + "'");
    }
    return w;
  }

  private static void add(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }
}

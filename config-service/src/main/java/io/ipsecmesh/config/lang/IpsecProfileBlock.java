package io.ipsecmesh.config.lang;

import java.util.Locale;

/**
 * {@code crypto ipsec profile NAME}: {@code set transform-set}, {@code set pfs}, {@code set security-association …},
 * {@code set ikev2-profile} (IKEv2; without it IKEv1) and {@code set isakmp-profile} — a crypto map entry without peer or access list, which a tunnel interface takes by
 * {@code tunnel protection ipsec profile NAME} (the Cisco IPsec Virtual Tunnel Interface document).
 */
final class IpsecProfileBlock implements Block {

  private final ConfigDraft.IpsecProfileDraft profile;
  private final Diagnostics diagnostics;
  private final CrossReferences references;

  IpsecProfileBlock(ConfigDraft.IpsecProfileDraft profile, Diagnostics diagnostics, CrossReferences references) {
    this.profile = profile;
    this.diagnostics = diagnostics;
    this.references = references;
  }

  @Override
  public String title() {
    return "crypto ipsec profile " + profile.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "set") || a.is(0, "description");
  }

  @Override
  public Block apply(Args a) {
    if (!a.is(0, "set")) {
      return null; // description: no concern of the data plane
    }
    String what = a.word(1).toLowerCase(Locale.ROOT);
    a.skip(2).command("set " + what);
    switch (what) {
      case "transform-set" -> {
        do {
          String name = a.name("transform set name");
          if (!profile.transformSets.contains(name)) {
            profile.transformSets.add(name);
            references.add(CrossReferences.Kind.TRANSFORM_SET, name, a.lineNumber);
          }
        } while (a.hasMore());
      }
      case "security-association" -> profile.sa = SaSettingsParser.apply(a, profile.sa, "set security-association");
      case "pfs" -> {
        profile.pfsGroup = a.hasMore() ? CryptoMapBlock.pfsGroup(a) : IsakmpPolicyBlock.DEFAULT_PFS_GROUP;
        a.end();
      }
      case "ikev2-profile" -> {
        profile.ikev2Profile = a.name("profile name");
        a.end();
        references.add(CrossReferences.Kind.IKEV2_PROFILE, profile.ikev2Profile, a.lineNumber);
      }
      case "isakmp-profile" -> {
        profile.isakmpProfile = a.name("profile name");
        a.end();
        references.add(CrossReferences.Kind.ISAKMP_PROFILE, profile.isakmpProfile, a.lineNumber);
      }
      case "peer" -> throw a.fail("a crypto ipsec profile has no peer: the peer is the tunnel destination of the "
          + "interface that uses the profile (tunnel destination ADDRESS)");
      default -> diagnostics.warn(a.lineNumber, "set " + Args.quote(what) + " in " + title()
          + " is not used by this gateway; ignored");
    }
    return null;
  }
}

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import java.util.Locale;

/**
 * {@code crypto isakmp profile NAME}: {@code match identity address IP [MASK]}, {@code match identity host [domain]
 * NAME}, {@code match identity user-fqdn [domain] NAME}, {@code self-identity address|fqdn NAME|user-fqdn NAME};
 * {@code keyring}, {@code keepalive} and the other IOS settings of the sub-mode are not used here (keys come from
 * {@code crypto isakmp key}).
 */
final class IsakmpProfileBlock implements Block {

  private final ConfigDraft.IsakmpProfileDraft profile;
  private final Diagnostics diagnostics;

  IsakmpProfileBlock(ConfigDraft.IsakmpProfileDraft profile, Diagnostics diagnostics) {
    this.profile = profile;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto isakmp profile " + profile.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "match") || a.is(0, "self-identity") || a.is(0, "keyring") || a.is(0, "keepalive")
        || a.is(0, "description") || a.is(0, "ca") || a.is(0, "vrf") || a.is(0, "initiate")
        || a.is(0, "local-address");
  }

  @Override
  public Block apply(Args a) {
    String w = a.word(0).toLowerCase(Locale.ROOT);
    if (w.equals("match")) {
      a.skip(1).command("match");
      a.oneOf("match", "identity");
      a.command("match identity");
      String kind = a.oneOf("identity type", "address", "host", "user-fqdn");
      a.command("match identity " + kind);
      IdentityMatch m = IdentityWords.match(a, switch (kind) {
        case "host" -> "fqdn";
        case "user-fqdn" -> "email";
        default -> "address";
      });
      a.end();
      if (!profile.matchIdentities.contains(m)) {
        profile.matchIdentities.add(m);
      }
    } else if (w.equals("self-identity")) {
      a.skip(1).command("self-identity");
      String kind = a.oneOf("identity type", "address", "fqdn", "user-fqdn");
      a.command("self-identity " + kind);
      profile.selfIdentity = switch (kind) {
        case "address" -> new IkeIdentity(IkeIdentity.Type.ADDRESS, "");
        case "fqdn" -> new IkeIdentity(IkeIdentity.Type.FQDN, IdentityWords.fqdn(a, "fqdn"));
        default -> new IkeIdentity(IkeIdentity.Type.EMAIL, IdentityWords.email(a));
      };
      a.end();
    } else {
      diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
    }
    return null;
  }
}

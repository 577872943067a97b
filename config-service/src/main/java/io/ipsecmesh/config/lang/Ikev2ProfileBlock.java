package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.DpdMode;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import java.util.Locale;
import java.util.Set;

/**
 * {@code crypto ikev2 profile NAME}: {@code match identity remote address|fqdn|email|key-id} (with the
 * {@code domain} forms), {@code identity local address|fqdn|email|key-id|dn},
 * {@code authentication local|remote pre-share|rsa-sig|ecdsa-sig}, {@code pki trustpoint NAME [sign|verify]},
 * {@code keyring local},
 * {@code dpd}, {@code lifetime}.
 */
final class Ikev2ProfileBlock implements Block {

  private final ConfigDraft.ProfileDraft profile;
  private final Diagnostics diagnostics;
  private final CrossReferences references;

  Ikev2ProfileBlock(ConfigDraft.ProfileDraft profile, Diagnostics diagnostics, CrossReferences references) {
    this.profile = profile;
    this.diagnostics = diagnostics;
    this.references = references;
  }

  @Override
  public String title() {
    return "crypto ikev2 profile " + profile.name;
  }

  @Override
  public boolean owns(Args a) {
    return Set.of("match", "identity", "authentication", "keyring", "dpd", "lifetime", "description", "pki")
        .contains(a.word(0).toLowerCase(Locale.ROOT));
  }

  @Override
  public Block apply(Args a) {
    String keyword = a.word(0).toLowerCase(Locale.ROOT);
    switch (keyword) {
      case "match" -> {
        if (!a.startsWith("match", "identity", "remote")) {
          diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
          return null;
        }
        a.skip(3).command("match identity remote");
        String kind = a.oneOf("identity type", "address", "fqdn", "email", "key-id");
        a.command("match identity remote " + kind);
        IdentityMatch m = IdentityWords.match(a, kind);
        a.end();
        if (m.type() == IkeIdentity.Type.ADDRESS) {
          if (!profile.matchRemoteAddresses.contains(m.value())) {
            profile.matchRemoteAddresses.add(m.value());
          }
        } else if (!profile.matchIdentities.contains(m)) {
          profile.matchIdentities.add(m);
        }
      }
      case "identity" -> {
        a.skip(1).command("identity");
        a.oneOf("identity", "local");
        String kind = a.command("identity local").oneOf("identity type", "address", "fqdn", "email", "key-id", "dn");
        a.command("identity local " + kind);
        IkeIdentity id = IdentityWords.local(a, kind);
        a.end();
        // one identity local: the last one written wins, as on IOS
        profile.identityLocalAddress = id.type() == IkeIdentity.Type.ADDRESS ? id.value() : null;
        profile.identityLocal = id.type() == IkeIdentity.Type.ADDRESS ? null : id;
      }
      case "authentication" -> {
        a.skip(1).command("authentication");
        String side = a.oneOf("side", "local", "remote");
        a.command("authentication " + side);
        String method = a.oneOf("method", "pre-share", "rsa-sig", "ecdsa-sig");
        a.end();
        if (side.equals("local")) {
          profile.authenticationLocal = method;
        } else {
          profile.authenticationRemote = method;
        }
      }
      case "pki" -> {
        a.skip(1).command("pki");
        a.oneOf("pki", "trustpoint");
        a.command("pki trustpoint");
        String name = a.name("trustpoint name");
        // sign|verify: this gateway signs with its one certificate, so only the verifying role matters here
        if (a.hasMore()) {
          a.oneOf("usage", "sign", "verify");
        }
        a.end();
        if (!profile.pkiTrustpoints.contains(name)) {
          profile.pkiTrustpoints.add(name);
        }
        references.add(CrossReferences.Kind.PKI_TRUSTPOINT, name, a.lineNumber);
      }
      case "keyring" -> {
        a.skip(1).command("keyring");
        a.accept("local");
        profile.keyring = a.name("keyring name");
        a.end();
        references.add(CrossReferences.Kind.IKEV2_KEYRING, profile.keyring, a.lineNumber);
      }
      case "dpd" -> {
        a.skip(1).command("dpd");
        profile.dpd = dpd(a);
      }
      case "lifetime" -> {
        a.skip(1).command("lifetime");
        profile.lifetimeSeconds = a.integer("seconds", 120, 86_400);
        a.end();
      }
      default -> diagnostics.warn(a.lineNumber, "description is not used by this gateway; ignored");
    }
    return null;
  }

  /** {@code dpd INTERVAL RETRY on-demand|periodic}, the same ranges as {@code crypto isakmp keepalive}. */
  static Ikev2Dpd dpd(Args a) {
    int interval = a.integer("interval", 10, 3600);
    int retry = a.integer("retry", 2, 60);
    String mode = a.oneOf("mode", "on-demand", "periodic");
    a.end();
    return new Ikev2Dpd(interval, retry, mode.equals("periodic") ? DpdMode.PERIODIC : DpdMode.ON_DEMAND);
  }
}

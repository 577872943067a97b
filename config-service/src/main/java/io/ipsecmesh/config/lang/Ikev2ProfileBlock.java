package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.DpdMode;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import java.util.Locale;
import java.util.Set;

/**
 * {@code crypto ikev2 profile NAME}: {@code match identity remote address}, {@code identity local address},
 * {@code authentication local|remote}, {@code keyring local}, {@code dpd}, {@code lifetime}.
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
    return Set.of("match", "identity", "authentication", "keyring", "dpd", "lifetime", "description")
        .contains(a.word(0).toLowerCase(Locale.ROOT));
  }

  @Override
  public Block apply(Args a) {
    String keyword = a.word(0).toLowerCase(Locale.ROOT);
    switch (keyword) {
      case "match" -> {
        if (!a.startsWith("match", "identity", "remote", "address")) {
          diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
          return null;
        }
        a.skip(4).command("match identity remote address");
        String ip = a.ipv4("address");
        String mask = a.hasMore() ? a.netmask("mask") : "255.255.255.255";
        a.end();
        String match = ip + " " + mask;
        if (!profile.matchRemoteAddresses.contains(match)) {
          profile.matchRemoteAddresses.add(match);
        }
      }
      case "identity" -> {
        a.skip(1).command("identity");
        a.oneOf("identity", "local");
        a.command("identity local").oneOf("identity type", "address");
        a.command("identity local address");
        profile.identityLocalAddress = a.ipv4("address");
        a.end();
      }
      case "authentication" -> {
        a.skip(1).command("authentication");
        String side = a.oneOf("side", "local", "remote");
        a.command("authentication " + side);
        String method = a.oneOf("method", "pre-share", "rsa-sig");
        a.end();
        if (side.equals("local")) {
          profile.authenticationLocal = method;
        } else {
          profile.authenticationRemote = method;
        }
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

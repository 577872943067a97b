package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.PkiTrustpoint;
import java.util.Locale;
import java.util.Set;

/**
 * {@code crypto pki trustpoint NAME}: {@code revocation-check crl|none|crl none}, {@code crl query URL} (where the
 * CRL is read: {@code http://…} or {@code file:/…}; without it, the certificate's CRL distribution point),
 * {@code enrollment …} and the other enrollment settings, which this gateway does not need (its own
 * certificate and key come from {@code --ike-cert-file}/{@code --ike-key-file}).
 */
final class PkiTrustpointBlock implements Block {

  private static final Set<String> ENROLLMENT = Set.of("enrollment", "subject-name", "rsakeypair", "serial-number",
      "fqdn", "ip-address", "usage", "auto-enroll", "password", "subject-alt-name", "vrf", "eckeypair", "hash");

  private final ConfigDraft.TrustpointDraft trustpoint;
  private final Diagnostics diagnostics;

  PkiTrustpointBlock(ConfigDraft.TrustpointDraft trustpoint, Diagnostics diagnostics) {
    this.trustpoint = trustpoint;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto pki trustpoint " + trustpoint.name;
  }

  @Override
  public boolean owns(Args a) {
    String w = a.word(0).toLowerCase(Locale.ROOT);
    return w.equals("revocation-check") || w.equals("crl") || ENROLLMENT.contains(w);
  }

  @Override
  public Block apply(Args a) {
    String w = a.word(0).toLowerCase(Locale.ROOT);
    switch (w) {
      case "revocation-check" -> {
        a.skip(1).command("revocation-check");
        String first = a.oneOf("method", "crl", "none");
        if (first.equals("crl") && a.hasMore()) {
          a.oneOf("fallback", "none");
          trustpoint.revocation = PkiTrustpoint.Revocation.CRL_NONE;
        } else {
          trustpoint.revocation = first.equals("crl") ? PkiTrustpoint.Revocation.CRL : PkiTrustpoint.Revocation.NONE;
        }
        a.end();
      }
      case "crl" -> {
        a.skip(1).command("crl");
        a.oneOf("crl setting", "query");
        a.command("crl query");
        String url = a.next("url");
        String lower = url.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("file:/")) || url.length() > 512
            || !url.chars().allMatch(c -> c > ' ' && c < 127)) {
          throw a.fail("url must be http://HOST[:PORT]/PATH or file:/PATH, got '" + Args.quote(url) + "'");
        }
        a.end();
        trustpoint.crlQuery = url;
      }
      default -> {
        // enrollment commands configure how a router obtains its own certificate, which this gateway is given
        if (!w.equals("enrollment")) {
          diagnostics.warn(a.lineNumber, a.summary() + " is not used by this gateway; ignored");
        }
      }
    }
    return null;
  }
}

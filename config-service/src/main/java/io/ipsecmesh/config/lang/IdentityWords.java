package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;

/**
 * The identity words IOS commands share ({@code match identity remote …}, {@code identity local …}, a keyring
 * peer's {@code identity …}): {@code fqdn [domain] NAME}, {@code email [domain] NAME}, {@code key-id ID},
 * {@code address IP [MASK]}, each checked so that a name that can never equal an ID payload (RFC 7296 §3.5:
 * FQDN and RFC822 names are plain ASCII, no wildcards) is refused where it is written.
 */
final class IdentityWords {

  private IdentityWords() {}

  /** {@code fqdn|email [domain] NAME}, {@code key-id ID} or {@code address IP [MASK]} after the keyword in {@code kind}. */
  static IdentityMatch match(Args a, String kind) {
    IkeIdentity.Type type = IkeIdentity.Type.of(kind);
    return switch (type) {
      case ADDRESS -> {
        if (a.hasMore() && io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())) {
          // address IPV6[/LEN]: an ID_IPV6_ADDR in the prefix (RFC 7296 §3.5); held as "network/length"
          if (!a.peek().contains("/")) {
            yield new IdentityMatch(type, a.ipv6("address") + "/128", false);
          }
          String[] p = a.ipv6Prefix("address");
          yield new IdentityMatch(type, p[0] + "/" + p[1], false);
        }
        String ip = a.ipv4("address");
        String mask = a.hasMore() ? a.netmask("mask") : "255.255.255.255";
        yield new IdentityMatch(type, ip + " " + mask, false);
      }
      case FQDN -> {
        boolean domain = a.accept("domain");
        yield new IdentityMatch(type, fqdn(a, domain ? "domain name" : "fqdn"), domain);
      }
      case EMAIL -> {
        boolean domain = a.accept("domain");
        yield new IdentityMatch(type, domain ? fqdn(a, "domain name") : email(a), domain);
      }
      case KEY_ID -> new IdentityMatch(type, keyId(a), false);
      default -> throw a.fail("identity type must be address|fqdn|email|key-id");
    };
  }

  /** {@code identity local address IP | fqdn NAME | email NAME | key-id ID | dn} after {@code identity local}. */
  static IkeIdentity local(Args a, String kind) {
    IkeIdentity.Type type = IkeIdentity.Type.of(kind);
    return switch (type) {
      case ADDRESS -> new IkeIdentity(type, a.hasMore() && io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())
          ? a.ipv6("address") : a.ipv4("address"));
      case FQDN -> new IkeIdentity(type, fqdn(a, "fqdn"));
      case EMAIL -> new IkeIdentity(type, email(a));
      case KEY_ID -> new IkeIdentity(type, keyId(a));
      case DN -> new IkeIdentity(type, "");
    };
  }

  static String fqdn(Args a, String what) {
    String w = a.next(what);
    boolean ok = w.length() <= 253 && Character.isLetterOrDigit(w.charAt(0)) && !w.endsWith(".")
        && !w.endsWith("-") && !w.contains("..")
        && w.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.'));
    if (!ok) {
      throw a.fail(what + " must be a DNS name such as vpn.example.com (letters, digits, '-', '.'), got '"
          + Args.quote(w) + "'");
    }
    return w.toLowerCase(java.util.Locale.ROOT);
  }

  static String email(Args a) {
    String w = a.next("email");
    int at = w.indexOf('@');
    boolean ok = w.length() <= 253 && at > 0 && at == w.lastIndexOf('@') && at < w.length() - 1
        && w.chars().allMatch(c -> c > ' ' && c < 127);
    if (!ok) {
      throw a.fail("email must be user@domain, got '" + Args.quote(w) + "'");
    }
    return w;
  }

  static String keyId(Args a) {
    String w = a.next("key-id");
    if (w.length() > 128 || !w.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw a.fail("key-id must be 1-128 printable characters, got '" + Args.quote(w) + "'");
    }
    return w;
  }
}

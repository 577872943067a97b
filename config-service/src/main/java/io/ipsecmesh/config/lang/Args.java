package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Ipv4;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words of one configuration line, read left to right by a command parser. Every read checks what
 * it reads and throws {@link LineError} with the command name, what was expected and the allowed range,
 * so command parsers stay declarative.
 */
final class Args {

  /** Longest piece of user input quoted back in a message, so hostile input cannot flood the output. */
  private static final int QUOTE_MAX = 40;

  /** Words after which an ignored line may carry a secret ("enable secret 5 …", "password ww"). */
  private static final Set<String> SECRET_WORDS = Set.of(
      "password", "secret", "key", "pre-shared-key", "community", "key-string", "authentication-key");

  final int lineNumber;
  final int indent;
  private final List<String> words;
  private int pos;
  private String command = "";
  /** Where uses of legacy algorithms are recorded (set by the parser for every line). */
  LegacyCrypto legacy = new LegacyCrypto();

  Args(int lineNumber, int indent, List<String> words) {
    this.lineNumber = lineNumber;
    this.indent = indent;
    this.words = words;
  }

  /** Names the command for messages: everything read so far is its keywords. */
  Args command(String name) {
    this.command = name;
    return this;
  }

  String commandName() {
    return command;
  }

  int size() {
    return words.size();
  }

  String word(int i) {
    return i < words.size() ? words.get(i) : "";
  }

  /** Whether word {@code i} is {@code keyword}, ignoring case as IOS does. */
  boolean is(int i, String keyword) {
    return i < words.size() && words.get(i).equalsIgnoreCase(keyword);
  }

  boolean startsWith(String... keywords) {
    for (int i = 0; i < keywords.length; i++) {
      if (!is(i, keywords[i])) {
        return false;
      }
    }
    return true;
  }

  String text() {
    return String.join(" ", words);
  }

  int position() {
    return pos;
  }

  Args skip(int n) {
    pos = Math.min(words.size(), pos + n);
    return this;
  }

  boolean hasMore() {
    return pos < words.size();
  }

  String peek() {
    return hasMore() ? words.get(pos) : null;
  }

  /** Consumes {@code keyword} if it comes next. */
  boolean accept(String keyword) {
    if (hasMore() && words.get(pos).equalsIgnoreCase(keyword)) {
      pos++;
      return true;
    }
    return false;
  }

  String next(String what) {
    if (!hasMore()) {
      throw fail("missing " + what);
    }
    return words.get(pos++);
  }

  /** The rest of the line as one string (remarks, descriptions). */
  String rest(String what) {
    if (!hasMore()) {
      throw fail("missing " + what);
    }
    String r = String.join(" ", words.subList(pos, words.size()));
    pos = words.size();
    return r;
  }

  /** One of {@code choices}, lower-cased. */
  String oneOf(String what, String... choices) {
    String alternatives = String.join("|", choices);
    if (!hasMore()) {
      throw fail("missing " + what + " (" + alternatives + ")");
    }
    String w = words.get(pos).toLowerCase(Locale.ROOT);
    for (String c : choices) {
      if (c.equals(w)) {
        pos++;
        return c;
      }
    }
    throw fail(what + " must be " + alternatives + ", got '" + quote(words.get(pos)) + "'");
  }

  long number(String what, long lo, long hi) {
    if (!hasMore()) {
      throw fail("missing " + what + " (" + lo + "-" + hi + ")");
    }
    String w = words.get(pos);
    long v;
    if (w.isEmpty() || w.length() > 12 || !w.chars().allMatch(Character::isDigit)) {
      throw fail(what + " must be a number " + lo + "-" + hi + ", got '" + quote(w) + "'");
    }
    v = Long.parseLong(w);
    if (v < lo || v > hi) {
      throw fail(what + " must be " + lo + "-" + hi + ", got " + v);
    }
    pos++;
    return v;
  }

  int integer(String what, int lo, int hi) {
    return (int) number(what, lo, hi);
  }

  String ipv4(String what) {
    String w = next(what);
    if (!Ipv4.isAddress(w)) {
      pos--;
      throw fail(what + " must be an IPv4 address, got '" + quote(w) + "'");
    }
    return w;
  }

  /** An IPv6 address (RFC 4291 §2.2 text), returned in RFC 5952 canonical form. */
  String ipv6(String what) {
    String w = next(what);
    String c = io.ipsecmesh.proto.config.Ipv6.canonical(w);
    if (c == null) {
      pos--;
      throw fail(what + " must be an IPv6 address such as 2001:DB8::1, got '" + quote(w) + "'");
    }
    return c;
  }

  /** An IPv6 prefix {@code X/LEN} (RFC 4291 §2.3): {@code [network, length]}, the host bits cleared. */
  String[] ipv6Prefix(String what) {
    String w = next(what);
    String[] p = io.ipsecmesh.proto.config.Ipv6.prefix(w);
    if (p == null) {
      pos--;
      throw fail(what + " must be an IPv6 prefix such as 2001:DB8:1::/64, got '" + quote(w) + "'");
    }
    return p;
  }

  String netmask(String what) {
    String w = next(what);
    if (!Ipv4.isNetmask(w)) {
      pos--;
      throw fail(what + " must be a netmask such as 255.255.255.0, got '" + quote(w) + "'");
    }
    return w;
  }

  /** A name of a configuration object (map, transform set, access list…). */
  String name(String what) {
    String w = next(what);
    if (w.length() > 64 || !w.chars().allMatch(c -> c > ' ' && c < 127)) {
      pos--;
      throw fail(what + " must be 1-64 printable characters, got '" + quote(w) + "'");
    }
    return w;
  }

  /** A peer: an IPv4 address, an IPv6 address (returned canonical) or a host name. */
  String host(String what) {
    String w = next(what);
    if (io.ipsecmesh.proto.config.Ipv6.looksLike(w)) {
      pos--;
      return ipv6(what);
    }
    boolean hostName = w.length() <= 253 && !w.isEmpty() && Character.isLetter(w.charAt(0))
        && w.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.');
    if (!Ipv4.isAddress(w) && !hostName) {
      pos--;
      throw fail(what + " must be an IPv4 address, an IPv6 address or a host name, got '" + quote(w) + "'");
    }
    return w;
  }

  /**
   * The first words of the line, to name a line that is ignored: at most two, and none after a word that
   * introduces a secret, since warnings end up in logs and API answers.
   */
  String summary() {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (String w : words) {
      if (shown == 2) {
        break;
      }
      b.append(shown == 0 ? "" : " ").append(quote(w));
      shown++;
      if (SECRET_WORDS.contains(w.toLowerCase(Locale.ROOT))) {
        break;
      }
    }
    return shown < words.size() ? b + " …" : b.toString();
  }

  /** A key or password: checked like a name, but never quoted back. */
  String secret(String what) {
    String w = next(what);
    if (w.length() > 128 || !w.chars().allMatch(c -> c > ' ' && c < 127)) {
      pos--;
      throw fail(what + " must be 1-128 printable characters");
    }
    return w;
  }

  /** Refuses anything left on the line. */
  void end() {
    if (hasMore()) {
      throw fail("unexpected '" + quote(words.get(pos)) + "'");
    }
  }

  LineError fail(String detail) {
    if (command.isEmpty()) {
      return new LineError(detail);
    }
    // "mode: mode must be tunnel|transport" reads better as "mode must be tunnel|transport".
    String last = command.substring(command.lastIndexOf(' ') + 1);
    if (detail.startsWith(last + " ")) {
      return new LineError(command + detail.substring(last.length()));
    }
    return new LineError(command + ": " + detail);
  }

  static String quote(String s) {
    String clean = s.codePoints()
        .map(c -> c < ' ' || c == 127 ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    return clean.length() <= QUOTE_MAX ? clean : clean.substring(0, QUOTE_MAX) + "...";
  }
}

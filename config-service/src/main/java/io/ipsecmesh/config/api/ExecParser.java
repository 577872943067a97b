package io.ipsecmesh.config.api;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Debug;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import io.ipsecmesh.config.api.ExecCommand.ShowIsakmpSa;
import io.ipsecmesh.config.api.ExecCommand.ShowRunningConfig;
import io.ipsecmesh.config.api.ExecCommand.ShowSession;
import io.ipsecmesh.config.api.ExecCommand.UndebugAll;
import io.ipsecmesh.proto.bus.MgmtMessages.Facility;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses an IOS exec command line the way the IOS CLI does: keywords may be abbreviated to any unique
 * prefix ({@code sh cry ips sa}), a word that matches nothing is pointed at with a caret and
 * {@code % Invalid input detected at '^' marker.}, a prefix of several keywords is
 * {@code % Ambiguous command}, a line that stops early is {@code % Incomplete command.}
 *
 * <pre>
 * show running-config
 * show crypto isakmp sa
 * show crypto ipsec sa [peer ADDRESS] [detail]
 * show crypto session
 * clear crypto session [remote ADDRESS]
 * debug crypto {isakmp | ipsec}
 * undebug {all | crypto {isakmp | ipsec}}      no debug {all | crypto {isakmp | ipsec}}
 * </pre>
 */
public final class ExecParser {

  private static final int MAX_LINE = 512;
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final String line;
  private final List<Word> words = new ArrayList<>();
  private int next;

  private ExecParser(String line) {
    this.line = line;
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        words.add(new Word(line.substring(start, i), start));
      }
    }
  }

  public static ExecCommand parse(String line) throws ExecSyntaxException {
    if (line.length() > MAX_LINE) {
      throw new ExecSyntaxException("% Command line longer than " + MAX_LINE + " characters");
    }
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new ExecSyntaxException("% One command per request");
    }
    ExecParser p = new ExecParser(line);
    if (p.words.isEmpty()) {
      throw new ExecSyntaxException("% Incomplete command.");
    }
    ExecCommand c = p.command();
    p.end();
    return c;
  }

  private ExecCommand command() throws ExecSyntaxException {
    return switch (keyword("show", "clear", "debug", "undebug", "no")) {
      case "show" -> show();
      case "clear" -> {
        keyword("crypto");
        keyword("session");
        String remote = null;
        if (more()) {
          keyword("remote");
          remote = address();
        }
        yield new ClearSession(remote);
      }
      case "debug" -> {
        keyword("crypto");
        yield new Debug(facility(), true);
      }
      case "no" -> {
        keyword("debug");
        yield undebug();
      }
      default -> undebug();
    };
  }

  private ExecCommand show() throws ExecSyntaxException {
    if (keyword("running-config", "crypto").equals("running-config")) {
      return new ShowRunningConfig();
    }
    return switch (keyword("isakmp", "ipsec", "session")) {
      case "isakmp" -> {
        keyword("sa");
        yield new ShowIsakmpSa();
      }
      case "ipsec" -> {
        keyword("sa");
        String peer = null;
        boolean detail = false;
        while (more()) {
          String k = peer == null && !detail ? keyword("peer", "detail") : keyword("detail");
          if (k.equals("peer")) {
            peer = address();
          } else {
            detail = true;
          }
        }
        yield new ShowIpsecSa(peer, detail);
      }
      default -> new ShowSession();
    };
  }

  private ExecCommand undebug() throws ExecSyntaxException {
    if (keyword("all", "crypto").equals("all")) {
      return new UndebugAll();
    }
    return new Debug(facility(), false);
  }

  private Facility facility() throws ExecSyntaxException {
    return keyword("isakmp", "ipsec").equals("isakmp") ? Facility.ISAKMP : Facility.IPSEC;
  }

  private boolean more() {
    return next < words.size();
  }

  private String keyword(String... options) throws ExecSyntaxException {
    if (!more()) {
      throw new ExecSyntaxException("% Incomplete command.");
    }
    Word w = words.get(next);
    String typed = w.text.toLowerCase(Locale.ROOT);
    List<String> matches = new ArrayList<>();
    for (String o : options) {
      if (o.equals(typed)) {
        next++;
        return o;
      }
      if (o.startsWith(typed)) {
        matches.add(o);
      }
    }
    if (matches.size() == 1) {
      next++;
      return matches.getFirst();
    }
    if (matches.isEmpty()) {
      throw invalidAt(w);
    }
    throw new ExecSyntaxException("% Ambiguous command:  \"" + line.strip() + "\"");
  }

  private String address() throws ExecSyntaxException {
    if (!more()) {
      throw new ExecSyntaxException("% Incomplete command.");
    }
    Word w = words.get(next);
    if (!IPV4.matcher(w.text).matches() && !isIpv6(w.text)) {
      throw invalidAt(w);
    }
    next++;
    return w.text;
  }

  private static boolean isIpv6(String s) {
    if (!IPV6.matcher(s).matches()) {
      return false;
    }
    try {
      // a literal with ':' never triggers a DNS lookup
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private void end() throws ExecSyntaxException {
    if (more()) {
      throw invalidAt(words.get(next));
    }
  }

  private ExecSyntaxException invalidAt(Word w) {
    return new ExecSyntaxException(line + "\n" + " ".repeat(w.offset) + "^\n% Invalid input detected at '^' marker.");
  }

  private record Word(String text, int offset) {}
}

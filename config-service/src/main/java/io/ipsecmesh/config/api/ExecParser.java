package io.ipsecmesh.config.api;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Debug;
import io.ipsecmesh.config.api.ExecCommand.ShowCryptoMap;
import io.ipsecmesh.config.api.ExecCommand.ShowIkev2Sa;
import io.ipsecmesh.config.api.ExecCommand.ShowLogging;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import io.ipsecmesh.config.api.ExecCommand.ShowIsakmpSa;
import io.ipsecmesh.config.api.ExecCommand.ShowRunningConfig;
import io.ipsecmesh.config.api.ExecCommand.ShowSession;
import io.ipsecmesh.config.api.ExecCommand.UndebugAll;
import io.ipsecmesh.config.show.IpsecSaQuery;
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
 * show logging
 * show interfaces [IF]                  show ip interface brief              show ip interface [IF]
 * show crypto isakmp sa [detail]
 * show crypto ikev2 sa [detailed]
 * show crypto ipsec sa [map NAME | address | identity | interface IF | peer ADDRESS] [detail]
 * show crypto ipsec client ezvpn
 * crypto ipsec client ezvpn connect [NAME]
 * clear crypto ipsec client ezvpn [NAME]
 * show crypto session
 * show crypto map [tag NAME]            show crypto dynamic-map [tag NAME]
 * clear crypto session [local ADDRESS [port N]] [remote ADDRESS [port N]] [fvrf VRF] [ivrf VRF]
 * debug crypto {isakmp | ikev2 | ipsec}
 * undebug {all | crypto {isakmp | ikev2 | ipsec}}      no debug {all | crypto {isakmp | ikev2 | ipsec}}
 * </pre>
 *
 * <p>VRFs are not implemented: every SA is in the global routing table, which IOS names by no name, so
 * {@code fvrf}/{@code ivrf} with any name is refused as IOS refuses a VRF that is not configured.
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
    return switch (keyword("show", "clear", "crypto", "debug", "undebug", "no")) {
      case "show" -> show();
      case "crypto" -> {
        ezvpnKeywords();
        keyword("connect");
        yield new ExecCommand.Ezvpn(more() ? name() : null, true);
      }
      case "clear" -> clear();
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
    switch (keyword("running-config", "crypto", "logging", "interfaces", "ip")) {
      case "running-config" -> {
        return new ShowRunningConfig();
      }
      case "logging" -> {
        return new ShowLogging();
      }
      case "interfaces" -> {
        return new ExecCommand.ShowInterfaces(more() ? interfaceName() : null);
      }
      case "ip" -> {
        keyword("interface");
        if (!more()) {
          return new ExecCommand.ShowIpInterface(false, null);
        }
        String w = words.get(next).text.toLowerCase(Locale.ROOT);
        if ("brief".startsWith(w)) {
          next++;
          return new ExecCommand.ShowIpInterface(true, null);
        }
        return new ExecCommand.ShowIpInterface(false, interfaceName());
      }
      default -> { }
    }
    return switch (keyword("isakmp", "ipsec", "session", "ikev2", "map", "dynamic-map")) {
      case "map", "dynamic-map" -> {
        boolean dynamic = words.get(next - 1).text.toLowerCase(Locale.ROOT).startsWith("d");
        String tag = null;
        if (more()) {
          keyword("tag");
          tag = name();
        }
        yield new ShowCryptoMap(tag, dynamic);
      }
      case "isakmp" -> {
        keyword("sa");
        yield new ShowIsakmpSa(more() && keyword("detail").equals("detail"));
      }
      case "ikev2" -> {
        keyword("sa");
        boolean detailed = more() && keyword("detailed").equals("detailed");
        yield new ShowIkev2Sa(detailed);
      }
      case "ipsec" -> {
        if (keyword("sa", "client").equals("client")) {
          keyword("ezvpn");
          yield new ExecCommand.ShowEzvpn();
        }
        yield new ShowIpsecSa(ipsecSaQuery());
      }
      default -> new ShowSession();
    };
  }

  /** {@code [map NAME | address | identity | interface IF | peer ADDRESS] [detail]}, in that order. */
  private IpsecSaQuery ipsecSaQuery() throws ExecSyntaxException {
    if (!more()) {
      return IpsecSaQuery.all(false);
    }
    String k = keyword("map", "address", "identity", "interface", "peer", "detail");
    if (k.equals("detail")) {
      return IpsecSaQuery.all(true);
    }
    IpsecSaQuery.Kind kind = switch (k) {
      case "map" -> IpsecSaQuery.Kind.MAP;
      case "address" -> IpsecSaQuery.Kind.ADDRESS;
      case "identity" -> IpsecSaQuery.Kind.IDENTITY;
      case "interface" -> IpsecSaQuery.Kind.INTERFACE;
      default -> IpsecSaQuery.Kind.PEER;
    };
    String value = switch (kind) {
      case MAP -> name();
      case INTERFACE -> interfaceName();
      case PEER -> address();
      default -> null;
    };
    boolean detail = more() && keyword("detail").equals("detail");
    return new IpsecSaQuery(kind, value, detail);
  }

  /** IOS takes {@code FastEthernet0/0} and {@code FastEthernet 0/0}: a number word joins the type. */
  private String interfaceName() throws ExecSyntaxException {
    String type = name();
    if (more() && Character.isDigit(words.get(next).text.charAt(0))) {
      return type + words.get(next++).text;
    }
    return type;
  }

  private String name() throws ExecSyntaxException {
    if (!more()) {
      throw new ExecSyntaxException("% Incomplete command.");
    }
    return words.get(next++).text;
  }

  /** {@code ipsec client ezvpn}, after {@code crypto}. */
  private void ezvpnKeywords() throws ExecSyntaxException {
    keyword("ipsec");
    keyword("client");
    keyword("ezvpn");
  }

  private ExecCommand clear() throws ExecSyntaxException {
    keyword("crypto");
    if (keyword("session", "ipsec").equals("ipsec")) {
      next--;
      ezvpnKeywords();
      return new ExecCommand.Ezvpn(more() ? name() : null, false);
    }
    String local = null;
    int localPort = 0;
    String remote = null;
    int remotePort = 0;
    List<String> options = new ArrayList<>(List.of("local", "remote", "fvrf", "ivrf"));
    while (more()) {
      String k = keyword(options.toArray(String[]::new));
      // IOS order: local before remote before the VRFs, each at most once
      options.subList(0, options.indexOf(k) + 1).clear();
      switch (k) {
        case "local" -> {
          local = address();
          localPort = optionalPort(options);
        }
        case "remote" -> {
          remote = address();
          remotePort = optionalPort(options);
        }
        default -> {
          Word vrf = words.get(next);
          name();
          throw new ExecSyntaxException("% VRF " + vrf.text + " not configured: only the global routing table"
              + " exists on this gateway (" + k + " takes no name for it)");
        }
      }
    }
    return new ClearSession(local, localPort, remote, remotePort);
  }

  private int optionalPort(List<String> following) throws ExecSyntaxException {
    if (!more()) {
      return 0;
    }
    List<String> all = new ArrayList<>(following);
    all.addFirst("port");
    if (!keyword(all.toArray(String[]::new)).equals("port")) {
      next--; // the next option, read again by the caller
      return 0;
    }
    if (!more()) {
      throw new ExecSyntaxException("% Incomplete command.");
    }
    Word w = words.get(next);
    if (!w.text.matches("[0-9]{1,5}") || Integer.parseInt(w.text) < 1 || Integer.parseInt(w.text) > 65535) {
      throw invalidAt(w);
    }
    next++;
    return Integer.parseInt(w.text);
  }

  private ExecCommand undebug() throws ExecSyntaxException {
    if (keyword("all", "crypto").equals("all")) {
      return new UndebugAll();
    }
    return new Debug(facility(), false);
  }

  private Facility facility() throws ExecSyntaxException {
    return switch (keyword("isakmp", "ipsec", "ikev2")) {
      case "isakmp" -> Facility.ISAKMP;
      case "ikev2" -> Facility.IKEV2;
      default -> Facility.IPSEC;
    };
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
    // IPv6 in RFC 5952 text, as the SAs hold their addresses, whatever case or zeros the operator typed
    return isIpv6(w.text) ? io.ipsecmesh.proto.config.Ipv6.canonical(w.text) : w.text;
  }

  private static boolean isIpv6(String s) {
    if (!IPV6.matcher(s).matches()) {
      return false;
    }
    try {
      // a literal with ':' never triggers a DNS lookup
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address
          && io.ipsecmesh.proto.config.Ipv6.isAddress(s);
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

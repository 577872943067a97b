package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Resolves the host names of {@code set peer HOST [dynamic]} (Cisco guide, "Creating Static Crypto Maps", step 4:
 * a host name is resolved when the entry is applied, with {@code dynamic} just before each connection to the
 * peer) to IPv4 and IPv6 addresses; which family an attempt takes is the crypto map's ({@link SetPeers#addressFor}).
 * A port: the gateway uses the system resolver ({@link #system()}, /etc/hosts and DNS as the host is configured),
 * or an /etc/hosts-style file of its own ({@link #hostsFile}, {@code IPSECMESH_HOSTS_FILE}) for a gateway whose
 * peers' names are not in its DNS, and for tests, which must not touch the machine's resolver configuration nor
 * send DNS queries anywhere.
 */
public interface HostResolver {

  /**
   * The addresses of {@code host}, IPv4 dotted quads and IPv6 in RFC 5952 text, in the resolver's order; empty when
   * it does not resolve. Blocking: the system resolver may wait for DNS (A and AAAA) up to its own timeout.
   */
  List<String> resolve(String host);

  /** {@code InetAddress.getAllByName}: the host's /etc/hosts and DNS (nsswitch), A and AAAA answers. */
  static HostResolver system() {
    return host -> {
      try {
        List<String> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
          String text = a instanceof Inet4Address ? a.getHostAddress()
              : a instanceof Inet6Address ? Ipv6.text(a.getAddress()) : null; // RFC 5952, no zone
          if (text != null && !out.contains(text)) {
            out.add(text);
          }
        }
        return out;
      } catch (UnknownHostException | SecurityException e) {
        return List.of();
      }
    };
  }

  /**
   * An /etc/hosts-style file ({@code ADDRESS NAME [ALIAS…]}, {@code #} comments), read again at every resolution
   * so that a changed file is seen by the next {@code dynamic} attempt. Names compare case-insensitively (RFC 4343);
   * IPv4 and IPv6 lines (the latter in RFC 5952 text); a file that cannot be read resolves nothing.
   */
  static HostResolver hostsFile(Path file) {
    return host -> {
      List<String> lines;
      try {
        if (Files.size(file) > 1 << 20) {
          return List.of(); // a hosts file, not a zone: bounded
        }
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
      String wanted = host.toLowerCase(Locale.ROOT);
      List<String> out = new ArrayList<>();
      for (String line : lines) {
        int hash = line.indexOf('#');
        String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("[ \t]+");
        if (f.length < 2) {
          continue;
        }
        String address = Ipv4.isAddress(f[0]) ? f[0] : Ipv6.canonical(f[0]);
        if (address != null && Arrays.stream(f, 1, f.length).anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(wanted))
            && !out.contains(address)) {
          out.add(address);
        }
      }
      return out;
    };
  }

  /**
   * What a service uses: {@code IPSECMESH_HOSTS_FILE} (environment) or {@code -Dipsecmesh.hosts-file} names a
   * hosts file that is then the only source of host names; otherwise the system resolver.
   */
  static HostResolver fromEnvironment() {
    String file = System.getProperty("ipsecmesh.hosts-file", System.getenv("IPSECMESH_HOSTS_FILE"));
    return file == null || file.isBlank() ? system() : hostsFile(Path.of(file));
  }
}

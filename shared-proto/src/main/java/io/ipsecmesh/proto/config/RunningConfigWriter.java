package io.ipsecmesh.proto.config;

import io.ipsecmesh.proto.kek.SecretBox;
import java.util.List;

/**
 * Writes a {@link GatewayConfig} as canonical IOS text, the way {@code show running-config} prints it:
 * one space of indentation per sub-mode, {@code !} after each block, defaults left out where IOS
 * leaves them out. The text parses back to an equal model.
 */
public final class RunningConfigWriter {

  /** HKDF purpose of the key that seals type 6 secrets in the running-config text. */
  public static final String TYPE6_PURPOSE = "running-config-type6";

  private final StringBuilder out = new StringBuilder();
  private final SecretBox type6;

  private RunningConfigWriter(SecretBox type6) {
    this.type6 = type6;
  }

  /** The text with every secret in clear (type 0): what the operator wrote, for local use only. */
  public static String write(GatewayConfig c) {
    return write(c, null);
  }

  /**
   * The text with every secret as IOS type 6 ({@code 6 SEALED}), sealed under {@code type6}: what leaves
   * config-service ({@code show running-config}, {@code GET /config}, the {@code active} entry of
   * {@code ipsec.config}). Such text parses back only where the same KEK is installed.
   */
  public static String writeSealed(GatewayConfig c, SecretBox type6) {
    return write(c, type6);
  }

  /** Associated data of a type 6 secret: the kind of secret it is (a secret moved to another kind fails). */
  public static String type6Binding(String kind) {
    return "ipsec-mesh running-config type 6|" + kind;
  }

  private String secret(String kind, String value) {
    return type6 == null ? value : "6 " + type6.seal(value, type6Binding(kind)).substring(SecretBox.PREFIX.length());
  }

  private static String write(GatewayConfig c, SecretBox type6) {
    RunningConfigWriter w = new RunningConfigWriter(type6);
    if (c.hostname() != null) {
      w.line("hostname " + c.hostname());
    }
    if (c.domainName() != null) {
      w.line("ip domain name " + c.domainName());
    }
    w.pki(c);
    w.isakmp(c);
    w.ikev2(c);
    w.ipsecGlobals(c);
    w.transformSets(c.transformSets());
    w.ipsecProfiles(c.ipsecProfiles());
    w.ezvpnClients(c.ezvpnClients());
    w.cryptoMaps(c.dynamicMaps(), "crypto dynamic-map ");
    w.cryptoMaps(c.cryptoMaps(), "crypto map ");
    c.cryptoMapLocalAddress().forEach((map, itf) -> w.line("crypto map " + map + " local-address " + itf));
    w.interfaces(c.interfaces());
    c.staticRoutes().forEach(r -> w.line((r.ipv6() ? "ipv6 route " : "ip route ") + r.text()));
    w.accessLists(c.accessLists());
    w.line("end");
    return w.out.toString();
  }

  private void line(String s) {
    out.append(s).append('\n');
  }

  private void isakmp(GatewayConfig c) {
    if (c.complianceShieldDisabled()) {
      line("crypto engine compliance shield disable");
      separator();
    }
    for (IsakmpPolicy p : c.isakmpPolicies()) {
      line("crypto isakmp policy " + p.priority());
      line(" encryption " + p.encryption());
      line(" hash " + p.hash());
      line(" authentication " + p.authentication());
      line(" group " + p.group());
      line(" lifetime " + p.lifetimeSeconds());
      line("!");
    }
    for (IsakmpKey k : c.isakmpKeys()) {
      if (k.hostname() != null) {
        line("crypto isakmp key " + secret("isakmp-key", k.key()) + " hostname " + k.hostname());
      } else if (k.ipv6()) {
        line("crypto isakmp key " + secret("isakmp-key", k.key()) + " address ipv6 " + k.address() + "/"
            + (k.mask() == null ? "128" : k.mask()));
      } else {
        line("crypto isakmp key " + secret("isakmp-key", k.key()) + " address " + k.address() + (k.mask() == null ? "" : " " + k.mask()));
      }
    }
    if (c.isakmpIdentity() != null) {
      line("crypto isakmp identity " + c.isakmpIdentity());
    }
    for (IsakmpProfile p : c.isakmpProfiles()) {
      line("crypto isakmp profile " + p.name());
      for (IdentityMatch m : p.matchIdentities()) {
        line(" match identity " + isakmpMatch(m));
      }
      if (p.selfIdentity() != null) {
        line(" self-identity " + (p.selfIdentity().type() == IkeIdentity.Type.ADDRESS ? "address"
            : p.selfIdentity().type() == IkeIdentity.Type.FQDN ? "fqdn " + p.selfIdentity().value()
            : "user-fqdn " + p.selfIdentity().value()));
      }
      line("!");
    }
    IsakmpKeepalive ka = c.isakmpKeepalive();
    if (ka != null) {
      // on-demand is the default and, as on IOS, does not appear in the output.
      line("crypto isakmp keepalive " + ka.seconds() + " " + ka.retrySeconds()
          + (ka.mode() == DpdMode.PERIODIC ? " periodic" : ""));
    }
    if (c.natKeepaliveSeconds() != null) {
      line("crypto isakmp nat keepalive " + c.natKeepaliveSeconds());
    }
    if (c.invalidSpiRecovery()) {
      line("crypto isakmp invalid-spi-recovery");
    }
    if (c.aggressiveModeDisabled()) {
      line("crypto isakmp aggressive-mode disable");
    }
    for (IsakmpPeer p : c.isakmpPeers()) {
      line("crypto isakmp peer address " + p.address());
      if (p.aggressivePassword() != null) {
        line(" set aggressive-mode password " + secret("aggressive-mode-password", p.aggressivePassword()));
      }
      if (p.clientEndpoint() != null) {
        line(" set aggressive-mode client-endpoint " + switch (p.clientEndpoint().type()) {
          case ADDRESS -> "ipv4-address";
          case FQDN -> "fqdn";
          default -> "user-fqdn";
        } + " " + p.clientEndpoint().value());
      }
      line("!");
    }
    separator();
  }

  private void ikev2(GatewayConfig c) {
    for (Ikev2Proposal p : c.ikev2Proposals()) {
      line("crypto ikev2 proposal " + p.name());
      listLine(" encryption", p.encryption());
      listLine(" integrity", p.integrity());
      listLine(" prf", p.prf());
      listLine(" group", p.groups().stream().map(String::valueOf).toList());
      line("!");
    }
    for (Ikev2Policy p : c.ikev2Policies()) {
      line("crypto ikev2 policy " + p.name());
      p.matchAddressLocal().forEach(a -> line(" match address local " + a));
      p.proposals().forEach(n -> line(" proposal " + n));
      line("!");
    }
    for (Ikev2Keyring k : c.ikev2Keyrings()) {
      line("crypto ikev2 keyring " + k.name());
      for (Ikev2KeyringPeer p : k.peers()) {
        line(" peer " + p.name());
        if (p.hostname() != null) {
          line("  hostname " + p.hostname());
        }
        if (p.address() != null && Ipv6.looksLike(p.address())) {
          line("  address " + p.address() + "/" + (p.mask() == null ? "128" : p.mask()));
        } else if (p.address() != null) {
          line("  address " + p.address() + (p.mask() == null ? "" : " " + p.mask()));
        }
        if (p.identity() != null) {
          line("  identity " + p.identity().render());
        }
        if (p.localKey() != null && p.localKey().equals(p.remoteKey())) {
          line("  pre-shared-key " + secret("pre-shared-key", p.localKey()));
        } else {
          if (p.localKey() != null) {
            line("  pre-shared-key local " + secret("pre-shared-key", p.localKey()));
          }
          if (p.remoteKey() != null) {
            line("  pre-shared-key remote " + secret("pre-shared-key", p.remoteKey()));
          }
        }
        line(" !");
      }
      line("!");
    }
    for (Ikev2Profile p : c.ikev2Profiles()) {
      line("crypto ikev2 profile " + p.name());
      p.matchRemoteAddresses().forEach(a -> line(" match identity remote address " + a));
      p.matchIdentities().forEach(m -> line(" match identity remote " + m.render()));
      if (p.identityLocalAddress() != null) {
        line(" identity local address " + p.identityLocalAddress());
      }
      if (p.identityLocal() != null) {
        line(" identity local " + p.identityLocal().render());
      }
      if (p.authenticationRemote() != null) {
        line(" authentication remote " + p.authenticationRemote());
      }
      if (p.authenticationLocal() != null) {
        line(" authentication local " + p.authenticationLocal());
      }
      p.pkiTrustpoints().forEach(t -> line(" pki trustpoint " + t));
      if (p.keyring() != null) {
        line(" keyring local " + p.keyring());
      }
      if (p.lifetimeSeconds() != null) {
        line(" lifetime " + p.lifetimeSeconds());
      }
      if (p.dpd() != null) {
        line(" " + dpd(p.dpd()));
      }
      line("!");
    }
    if (c.ikev2Dpd() != null) {
      line("crypto ikev2 " + dpd(c.ikev2Dpd()));
      line("!");
    }
    if (c.ikev2Fragmentation() != null) {
      line(c.ikev2Fragmentation().render());
      line("!");
    }
  }

  /** IKEv1's keywords for an identity match: address, host (FQDN), user-fqdn (e-mail). */
  private static String isakmpMatch(IdentityMatch m) {
    return switch (m.type()) {
      case ADDRESS -> "address " + m.value().replace(" 255.255.255.255", "");
      case FQDN -> "host " + (m.domain() ? "domain " : "") + m.value();
      default -> "user-fqdn " + (m.domain() ? "domain " : "") + m.value();
    };
  }

  private void pki(GatewayConfig c) {
    for (PkiTrustpoint t : c.pkiTrustpoints()) {
      line("crypto pki trustpoint " + t.name());
      line(" enrollment terminal");
      if (t.revocationCheck() != PkiTrustpoint.Revocation.NONE) {
        line(" revocation-check " + t.revocationCheck().keyword());
      }
      if (t.crlQuery() != null) {
        line(" crl query " + t.crlQuery());
      }
      line("!");
    }
    for (PkiTrustpoint t : c.pkiTrustpoints()) {
      if (t.caCertificates().isEmpty()) {
        continue;
      }
      // as IOS shows a certificate chain: the DER in hex, 32 bytes a line in groups of 4, ended by quit
      line("crypto pki certificate chain " + t.name());
      for (String hex : t.caCertificates()) {
        line(" certificate ca " + serial(hex));
        for (int i = 0; i < hex.length(); i += 64) {
          String row = hex.substring(i, Math.min(hex.length(), i + 64)).toUpperCase(java.util.Locale.ROOT);
          StringBuilder b = new StringBuilder("  ");
          for (int j = 0; j < row.length(); j += 8) {
            b.append(j == 0 ? "" : " ").append(row, j, Math.min(row.length(), j + 8));
          }
          line(b.toString());
        }
        line("  \tquit");
      }
      line("!");
    }
  }

  /** The serial number of a CA certificate (hex), as {@code certificate ca SERIAL} names it. */
  private static String serial(String derHex) {
    try {
      java.security.cert.X509Certificate x = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
              java.util.HexFormat.of().parseHex(derHex)));
      return x.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    } catch (java.security.cert.CertificateException | IllegalArgumentException e) {
      return "00";
    }
  }

  private static String dpd(Ikev2Dpd d) {
    return "dpd " + d.intervalSeconds() + " " + d.retrySeconds() + " " + d.mode().keyword();
  }

  private void ipsecGlobals(GatewayConfig c) {
    SaSettings sa = c.sa();
    if (!sa.replay().equals(Replay.DEFAULT)) {
      line("crypto ipsec security-association " + replay(sa.replay()));
    }
    if (sa.idleTimeSeconds() != null) {
      line("crypto ipsec security-association idle-time " + sa.idleTimeSeconds());
    }
    if (sa.lifetimeSeconds() != SaSettings.DEFAULT_LIFETIME_SECONDS) {
      line("crypto ipsec security-association lifetime seconds " + sa.lifetimeSeconds());
    }
    if (sa.lifetimeKilobytes() != SaSettings.DEFAULT_LIFETIME_KILOBYTES) {
      line("crypto ipsec security-association lifetime kilobytes " + sa.lifetimeKilobytes());
    }
    if (c.dfBit() != DfBit.COPY) {
      line("crypto ipsec df-bit " + c.dfBit().keyword());
    }
    if (c.fragmentation() != Fragmentation.BEFORE_ENCRYPTION) {
      line("crypto ipsec fragmentation " + c.fragmentation().keyword());
    }
    if (!c.natTransparency()) {
      line("no crypto ipsec nat-transparency udp-encapsulation");
    }
    separator();
  }

  private static String replay(Replay r) {
    return r.enabled() ? "replay window-size " + r.windowSize() : "replay disable";
  }

  private void transformSets(List<TransformSet> sets) {
    for (TransformSet t : sets) {
      line("crypto ipsec transform-set " + t.name() + " " + t.transform().iosName);
      line(" mode " + t.mode().name().toLowerCase(java.util.Locale.ROOT));
      line("!");
    }
  }

  /** {@code crypto ipsec profile}: the IPsec parameters of tunnel interfaces, as IOS writes them. */
  private void ipsecProfiles(List<IpsecProfile> profiles) {
    for (IpsecProfile p : profiles) {
      line("crypto ipsec profile " + p.name());
      SaSettings sa = p.sa();
      if (sa.replay() != null) {
        line(" set security-association " + replay(sa.replay()));
      }
      if (sa.idleTimeSeconds() != null) {
        line(" set security-association idle-time " + sa.idleTimeSeconds());
      }
      if (sa.lifetimeSeconds() != null) {
        line(" set security-association lifetime seconds " + sa.lifetimeSeconds());
      }
      if (sa.lifetimeKilobytes() != null) {
        line(" set security-association lifetime kilobytes " + sa.lifetimeKilobytes());
      }
      if (!p.transformSets().isEmpty()) {
        line(" set transform-set " + String.join(" ", p.transformSets()));
      }
      if (p.pfsGroup() != null) {
        line(" set pfs group" + p.pfsGroup());
      }
      if (p.ikev2Profile() != null) {
        line(" set ikev2-profile " + p.ikev2Profile());
      }
      if (p.isakmpProfile() != null) {
        line(" set isakmp-profile " + p.isakmpProfile());
      }
      line("!");
    }
  }

  private void ezvpnClients(List<EzvpnClient> clients) {
    for (EzvpnClient e : clients) {
      line("crypto ipsec client ezvpn " + e.name());
      line(" connect " + e.connect().keyword());
      if (e.group() != null) {
        line(" group " + e.group() + " key " + secret("group-key", e.groupKey()));
      }
      if (e.mode() != null) {
        line(" mode " + e.mode().keyword());
      }
      e.peers().forEach(p -> line(" peer " + p));
      if (e.username() != null) {
        line(" username " + e.username() + " password " + secret("ezvpn-password", e.password()));
      }
      if (e.xauthUseridMode() != null) {
        line(" xauth userid mode " + e.xauthUseridMode());
      }
      line("!");
    }
  }

  /** {@code crypto map} entries, or with {@code header} "crypto dynamic-map " the templates (no keying word). */
  private void cryptoMaps(List<CryptoMapEntry> maps, String header) {
    boolean dynamic = header.contains("dynamic");
    for (CryptoMapEntry m : maps) {
      if (m.dynamicMap() != null) {
        // Cisco guide, anti-replay chapter: the static entry that stands for a dynamic crypto map set
        line("crypto map " + m.name() + " " + m.seq() + " ipsec-isakmp dynamic " + m.dynamicMap());
        continue;
      }
      line(header + m.name() + " " + m.seq() + (dynamic ? "" : " " + m.keying().keyword()));
      m.peers().forEach(p -> line(" set peer " + p
          + (m.dynamicPeer(p) ? " dynamic" : "")));
      SaSettings sa = m.sa();
      if (sa.replay() != null) {
        line(" set security-association " + replay(sa.replay()));
      }
      if (sa.idleTimeSeconds() != null) {
        line(" set security-association idle-time " + sa.idleTimeSeconds());
      }
      if (sa.lifetimeSeconds() != null) {
        line(" set security-association lifetime seconds " + sa.lifetimeSeconds());
      }
      if (sa.lifetimeKilobytes() != null) {
        line(" set security-association lifetime kilobytes " + sa.lifetimeKilobytes());
      }
      m.transformSets().forEach(t -> line(" set transform-set " + t));
      if (m.pfsGroup() != null) {
        line(" set pfs group" + m.pfsGroup());
      }
      if (m.ikev2Profile() != null) {
        line(" set ikev2-profile " + m.ikev2Profile());
      }
      if (m.isakmpProfile() != null) {
        line(" set isakmp-profile " + m.isakmpProfile());
      }
      if (m.matchAddress() != null) {
        line(" match address " + m.matchAddress());
      }
      sessionKey("inbound", m.inboundEsp());
      sessionKey("outbound", m.outboundEsp());
      line("!");
    }
  }

  private void sessionKey(String direction, SessionKey k) {
    if (k != null) {
      line(" set session-key " + direction + " esp " + k.spi() + " cipher " + secret("session-key", k.cipherHex())
          + (k.authenticatorHex() == null ? "" : " authenticator " + secret("session-key", k.authenticatorHex())));
    }
  }

  private void interfaces(List<InterfaceConfig> interfaces) {
    for (InterfaceConfig i : interfaces) {
      line("interface " + i.name());
      if (i.ipAddress() != null) {
        line(" ip address " + i.ipAddress() + " " + i.mask());
      }
      if (i.ipv6Address() != null) {
        line(" ipv6 address " + i.ipv6Address());
      }
      if (i.ipMtu() != null) {
        line(" ip mtu " + i.ipMtu());
      }
      if (i.ipv6Mtu() != null) {
        line(" ipv6 mtu " + i.ipv6Mtu());
      }
      if (i.dfBit() != null) {
        line(" crypto ipsec df-bit " + i.dfBit().keyword());
      }
      if (i.fragmentation() != null) {
        line(" crypto ipsec fragmentation " + i.fragmentation().keyword());
      }
      if (i.cryptoMap() != null) {
        line(" crypto map " + i.cryptoMap());
      }
      if (i.ipv6CryptoMap() != null) {
        line(" ipv6 crypto map " + i.ipv6CryptoMap());
      }
      if (i.ezvpn() != null) {
        line(" crypto ipsec client ezvpn " + i.ezvpn().name() + (i.ezvpn().outside() ? " outside" : " inside"));
      }
      TunnelSettings t = i.tunnel();
      if (t != null) {
        if (t.source() != null) {
          line(" tunnel source " + (Ipv6.looksLike(t.source()) ? Ipv6.ios(t.source()) : t.source()));
        }
        if (t.mode() != null) {
          line(" tunnel mode " + t.mode().keyword());
        }
        if (t.destination() != null) {
          line(" tunnel destination " + (Ipv6.looksLike(t.destination()) ? Ipv6.ios(t.destination())
              : t.destination()));
        }
        if (t.protection() != null) {
          line(" tunnel protection ipsec profile " + t.protection());
        }
      }
      line("!");
    }
  }

  private void accessLists(List<AccessList> lists) {
    for (AccessList a : lists) {
      if (a.ipv6()) {
        line("ipv6 access-list " + a.name());
        a.entries().forEach(e -> line(" " + entry(e)));
      } else if (a.numbered()) {
        a.entries().forEach(e -> line("access-list " + a.name() + " " + entry(e)));
      } else {
        line("ip access-list extended " + a.name());
        a.entries().forEach(e -> line(" " + entry(e)));
      }
      line("!");
    }
  }

  /** One access-list entry as IOS writes it after {@code access-list NAME} (also for {@code show crypto map}). */
  public static String entry(AccessListEntry e) {
    if (e.action() == AccessListEntry.Action.REMARK) {
      return "remark " + e.remark();
    }
    StringBuilder b = new StringBuilder(e.action().keyword()).append(' ').append(e.protocol());
    b.append(' ').append(e.source().text());
    if (e.sourcePort() != null) {
      b.append(' ').append(e.sourcePort().text());
    }
    b.append(' ').append(e.destination().text());
    if (e.destinationPort() != null) {
      b.append(' ').append(e.destinationPort().text());
    }
    return b.toString();
  }

  private void listLine(String keyword, List<String> values) {
    if (!values.isEmpty()) {
      line(keyword + " " + String.join(" ", values));
    }
  }

  private void separator() {
    if (!out.isEmpty() && !out.toString().endsWith("!\n")) {
      line("!");
    }
  }
}

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.DpdMode;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.Locale;

/** The global configuration mode: one method per IOS command family, each opening its sub-mode block if it has one. */
final class GlobalCommands {

  private final ConfigDraft draft;
  private final Diagnostics diagnostics;
  private final CrossReferences references;

  GlobalCommands(ConfigDraft draft, Diagnostics diagnostics, CrossReferences references) {
    this.draft = draft;
    this.diagnostics = diagnostics;
    this.references = references;
  }

  /** Whether the line opens a sub-mode, so that a refused header can swallow its sub-commands. */
  static boolean opensBlock(Args a) {
    return a.startsWith("crypto", "isakmp", "policy") || a.startsWith("crypto", "ipsec", "transform-set")
        || a.startsWith("crypto", "ipsec", "client", "ezvpn") || a.startsWith("crypto", "ipsec", "profile")
        || (a.startsWith("crypto", "map") && a.size() > 3) || a.startsWith("crypto", "dynamic-map")
        || a.startsWith("crypto", "ikev2", "proposal") || a.startsWith("crypto", "ikev2", "policy")
        || a.startsWith("crypto", "ikev2", "keyring") || a.startsWith("crypto", "ikev2", "profile")
        || a.startsWith("ip", "access-list") || a.startsWith("ipv6", "access-list") || a.is(0, "interface")
        || a.startsWith("crypto", "pki", "trustpoint") || a.startsWith("crypto", "pki", "certificate", "chain")
        || a.startsWith("crypto", "isakmp", "profile") || a.startsWith("crypto", "isakmp", "peer");
  }

  Block apply(Args a) {
    if (a.is(0, "crypto")) {
      return crypto(a);
    }
    if (a.startsWith("no", "crypto")) {
      if (a.startsWith("no", "crypto", "ipsec", "nat-transparency")) {
        a.skip(4).command("no crypto ipsec nat-transparency");
        a.oneOf("encapsulation", "udp-encapsulation");
        a.end();
        draft.natTransparency = false;
      } else {
        ignored(a, a.summary() + " is not used by this gateway; ignored");
      }
      return null;
    }
    if (a.is(0, "access-list")) {
      numberedAccessList(a);
      return null;
    }
    if (a.is(0, "hostname")) {
      // crypto isakmp identity hostname sends hostname.domain (the router's name and ip domain name)
      a.skip(1).command("hostname");
      draft.hostname = IdentityWords.fqdn(a, "hostname");
      a.end();
      return null;
    }
    if (a.startsWith("ip", "domain", "name") || a.startsWith("ip", "domain-name")) {
      a.skip(a.is(1, "domain-name") ? 2 : 3).command("ip domain name");
      draft.domainName = IdentityWords.fqdn(a, "domain name");
      a.end();
      return null;
    }
    if (a.startsWith("ip", "route")) {
      StaticRoutes.parse(a, draft, references, diagnostics);
      return null;
    }
    if (a.startsWith("ipv6", "route")) {
      StaticRoutes.parseIpv6(a, draft, references, diagnostics);
      return null;
    }
    if (a.startsWith("ipv6", "access-list")) {
      // ipv6 access-list NAME (IOS XE): always named and extended; its entries take IPv6 prefixes
      a.skip(2).command("ipv6 access-list");
      String name = a.name("name");
      a.end();
      ConfigDraft.AccessListDraft list = draft.accessList(name, false);
      if (list.ipv4Line != 0 || list.numbered) {
        throw a.fail("access list " + name + " is already an IPv4 access list (line " + list.ipv4Line + "): give the"
            + " IPv6 list another name, match address can name only one of them");
      }
      list.ipv6 = true;
      if (list.ipv6Line == 0) {
        list.ipv6Line = a.lineNumber;
      }
      return new AccessListBlock(list);
    }
    if (a.startsWith("ip", "access-list")) {
      a.skip(2).command("ip access-list");
      if (!a.accept("extended")) {
        ignored(a, "only extended access lists select crypto traffic; ignored: " + a.summary());
        return new RefusedBlock("ip access-list");
      }
      a.command("ip access-list extended");
      String name = a.name("name");
      a.end();
      ConfigDraft.AccessListDraft list = draft.accessList(name, false);
      if (list.ipv6) {
        throw a.fail("access list " + name + " is already an IPv6 access list (line " + list.ipv6Line + "): give the"
            + " IPv4 list another name, match address can name only one of them");
      }
      if (list.ipv4Line == 0) {
        list.ipv4Line = a.lineNumber;
      }
      return new AccessListBlock(list);
    }
    if (a.is(0, "interface")) {
      a.skip(1).command("interface");
      if (!a.hasMore()) {
        ignored(a, "interface without a name; its block is ignored");
        return new RefusedBlock("interface");
      }
      String name = a.name("name");
      // IOS also accepts "interface FastEthernet 0": the words form one name.
      StringBuilder full = new StringBuilder(name);
      while (a.hasMore()) {
        full.append(a.name("name"));
      }
      if (full.length() > 64) {
        throw a.fail("name must be 1-64 characters, got '" + Args.quote(full.toString()) + "'");
      }
      // "interface tunnel 1" is the Tunnel1 that routes name
      return new InterfaceBlock(draft.iface(InterfaceNames.canonical(full.toString())), references, diagnostics);
    }
    if (Syntax.isSubModeCommand(a)) {
      throw new LineError("'" + Args.quote(a.word(0)) + "' is a sub-mode command but no block that takes it is open");
    }
    ignored(a, "ignored (not part of the IPsec configuration): " + a.summary());
    return null;
  }

  private void ignored(Args a, String message) {
    diagnostics.warn(a.lineNumber, message);
  }

  private Block crypto(Args a) {
    String family = a.word(1).toLowerCase(Locale.ROOT);
    return switch (family) {
      case "isakmp" -> isakmp(a);
      case "ipsec" -> ipsec(a);
      case "map" -> cryptoMap(a);
      case "dynamic-map" -> dynamicMap(a);
      case "ikev2" -> ikev2(a);
      case "engine" -> {
        if (!a.startsWith("crypto", "engine", "compliance")) {
          ignored(a, "crypto engine " + Args.quote(a.word(2)) + " is not used by this gateway; ignored");
          yield null;
        }
        a.skip(3).command("crypto engine compliance");
        a.oneOf("keyword", "shield");
        a.oneOf("keyword", "disable");
        a.end();
        draft.legacy.shieldDisabled = true;
        yield null;
      }
      case "pki" -> pki(a);
      default -> {
        ignored(a, "crypto " + Args.quote(family) + " is not used by this gateway; ignored");
        yield null;
      }
    };
  }

  /** {@code crypto pki trustpoint NAME} and {@code crypto pki certificate chain NAME}; the rest of PKI is the CA's. */
  private Block pki(Args a) {
    String what = a.word(2).toLowerCase(Locale.ROOT);
    if (what.equals("trustpoint")) {
      a.skip(3).command("crypto pki trustpoint");
      String name = a.name("name");
      a.end();
      ConfigDraft.TrustpointDraft t = draft.pkiTrustpoint(name);
      t.defined = true;
      return new PkiTrustpointBlock(t, diagnostics);
    }
    if (what.equals("certificate") && a.is(3, "chain")) {
      a.skip(4).command("crypto pki certificate chain");
      String name = a.name("trustpoint name");
      a.end();
      references.add(CrossReferences.Kind.PKI_TRUSTPOINT, name, a.lineNumber);
      return new CertificateChainBlock(draft.pkiTrustpoint(name), diagnostics);
    }
    ignored(a, "crypto pki " + Args.quote(what) + " is not used by this gateway; ignored");
    return null;
  }

  private Block isakmp(Args a) {
    String what = a.word(2).toLowerCase(Locale.ROOT);
    a.skip(3).command("crypto isakmp " + what);
    switch (what) {
      case "policy" -> {
        int priority = a.integer("priority", 1, 10_000);
        a.end();
        return new IsakmpPolicyBlock(draft.isakmpPolicy(priority));
      }
      case "key" -> isakmpKey(a);
      case "identity" -> {
        draft.isakmpIdentity = a.oneOf("identity", "address", "hostname");
        a.end();
      }
      case "profile" -> {
        String name = a.name("name");
        a.end();
        return new IsakmpProfileBlock(draft.isakmpProfile(name), diagnostics);
      }
      case "keepalive" -> {
        int seconds = a.integer("seconds", 10, 3600);
        int retry = IsakmpKeepalive.DEFAULT_RETRY_SECONDS;
        if (a.hasMore() && a.peek().chars().allMatch(Character::isDigit)) {
          retry = a.integer("retry", 2, 60);
        }
        DpdMode mode = DpdMode.ON_DEMAND;
        if (a.hasMore()) {
          mode = a.oneOf("mode", "periodic", "on-demand").equals("periodic") ? DpdMode.PERIODIC : DpdMode.ON_DEMAND;
        }
        a.end();
        draft.isakmpKeepalive = new IsakmpKeepalive(seconds, retry, mode);
      }
      case "nat" -> {
        a.command("crypto isakmp nat").oneOf("nat setting", "keepalive");
        a.command("crypto isakmp nat keepalive");
        draft.natKeepaliveSeconds = a.integer("seconds", 5, 3600);
        a.end();
      }
      case "invalid-spi-recovery" -> {
        a.end();
        draft.invalidSpiRecovery = true;
      }
      case "aggressive-mode" -> {
        // the IOS default answers Aggressive Mode; "disable" blocks it to and from the device
        a.oneOf("aggressive-mode setting", "disable");
        a.end();
        draft.aggressiveModeDisabled = true;
      }
      case "peer" -> {
        String kind = a.oneOf("peer kind", "address", "hostname", "ipv6-address");
        if (!kind.equals("address")) {
          throw a.fail(kind + " is not supported; write crypto isakmp peer address IP");
        }
        String ip = a.ipv4("address");
        a.end();
        ConfigDraft.IsakmpPeerDraft peer = draft.isakmpPeer(ip);
        peer.line = a.lineNumber;
        return new IsakmpPeerBlock(peer, diagnostics);
      }
      default -> ignored(a, "crypto isakmp " + Args.quote(what) + " is not used by this gateway; ignored");
    }
    return null;
  }

  private void isakmpKey(Args a) {
    // "crypto isakmp key 0 1234 address …": 0 says the key is written in clear, 6 that it is sealed
    // under the cluster KEK (what show running-config prints, Type6Secret)
    String key;
    if (Type6Secret.next(a) && !a.word(a.position() + 1).equalsIgnoreCase("address")) {
      key = Type6Secret.read(a, "isakmp-key", "key");
    } else {
      key = a.secret("key");
      if (a.peek() != null && !a.peek().equalsIgnoreCase("address") && key.equals("0")) {
        key = a.secret("key");
      }
    }
    String kind = a.oneOf("peer kind", "address", "hostname");
    if (kind.equals("address") && a.accept("ipv6")) {
      // crypto isakmp key KEY address ipv6 X/LEN: the key of the IPv6 peers in the prefix (a host is a /128)
      a.command("crypto isakmp key address ipv6");
      String[] p = a.ipv6Prefix("IPv6 prefix");
      a.accept("no-xauth");
      a.end();
      draft.isakmpKeys.put(p[0] + "/" + p[1], new IsakmpKey(key, p[0], p[1]));
      return;
    }
    if (kind.equals("hostname")) {
      // the key of the peer whose ID is this FQDN (its crypto isakmp identity hostname)
      String host = IdentityWords.fqdn(a, "hostname");
      a.accept("no-xauth");
      a.end();
      draft.isakmpKeys.put("host " + host, new IsakmpKey(key, null, null, host));
      return;
    }
    String ip = a.ipv4("address");
    String mask = null;
    if (a.hasMore() && !a.peek().equalsIgnoreCase("no-xauth")) {
      mask = a.netmask("mask");
    }
    a.accept("no-xauth");
    a.end();
    draft.isakmpKeys.put(ip + "/" + mask, new IsakmpKey(key, ip, mask));
  }

  private Block ipsec(Args a) {
    String what = a.word(2).toLowerCase(Locale.ROOT);
    a.skip(3).command("crypto ipsec " + what);
    switch (what) {
      case "transform-set" -> {
        String name = a.name("name");
        a.command("crypto ipsec transform-set " + name);
        EspTransform transform;
        try {
          transform = TransformParser.parse(a);
        } catch (LineError e) {
          draft.refusedTransformSets.add(name);
          throw e;
        }
        ConfigDraft.TransformSetDraft set = draft.transformSets.computeIfAbsent(name, ConfigDraft.TransformSetDraft::new);
        set.transform = transform;
        return new TransformSetBlock(set, diagnostics);
      }
      case "df-bit" -> {
        draft.dfBit = DfBit.valueOf(a.oneOf("setting", "clear", "set", "copy").toUpperCase(Locale.ROOT));
        a.end();
      }
      case "fragmentation" -> {
        draft.fragmentation = a.oneOf("where", "before-encryption", "after-encryption").equals("before-encryption")
            ? Fragmentation.BEFORE_ENCRYPTION : Fragmentation.AFTER_ENCRYPTION;
        a.end();
      }
      case "security-association" -> draft.sa = SaSettingsParser.apply(a, draft.sa, "crypto ipsec security-association");
      case "nat-transparency" -> {
        a.oneOf("encapsulation", "udp-encapsulation");
        a.end();
        draft.natTransparency = true;
      }
      case "client" -> {
        a.oneOf("client type", "ezvpn");
        a.command("crypto ipsec client ezvpn");
        String name = a.name("name");
        a.end();
        return new EzvpnBlock(draft.ezvpn(name), diagnostics);
      }
      case "profile" -> {
        String name = a.name("name");
        a.end();
        return new IpsecProfileBlock(draft.ipsecProfile(name), diagnostics, references);
      }
      default -> ignored(a, "crypto ipsec " + Args.quote(what) + " is not used by this gateway; ignored");
    }
    return null;
  }

  private Block cryptoMap(Args a) {
    a.skip(2).command("crypto map");
    String name = a.name("map name");
    if (a.hasMore() && a.peek().equalsIgnoreCase("local-address")) {
      // the interface whose address is the tunnels' local address (IKE and ESP source), e.g. a loopback
      a.skip(1).command("crypto map " + name + " local-address");
      StringBuilder itf = new StringBuilder(a.name("interface"));
      if (a.hasMore()) {
        itf.append(a.name("interface")); // "FastEthernet 0" is FastEthernet0, as for interface
      }
      a.end();
      if (itf.length() > 64) {
        throw a.fail("interface must be 1-64 printable characters, got '" + Args.quote(itf.toString()) + "'");
      }
      draft.cryptoMapLocalAddress.put(name, itf.toString());
      return null;
    }
    if (a.hasMore() && !a.peek().chars().allMatch(Character::isDigit)) {
      // "crypto map NAME client …", "… isakmp …": router plumbing this gateway does not need.
      ignored(a, "crypto map " + name + " " + Args.quote(a.peek()) + " is not used by this gateway; ignored");
      return null;
    }
    int seq = a.integer("sequence number", 1, 65_535);
    ConfigDraft.CryptoMapDraft existing = draft.cryptoMaps.get(name + " " + seq);
    // Without a keyword an existing entry is re-entered as it is; a new one is ipsec-isakmp.
    CryptoMapEntry.Keying keying = existing != null ? existing.keying : CryptoMapEntry.Keying.IPSEC_ISAKMP;
    if (a.hasMore()) {
      String k = a.oneOf("keying", "ipsec-isakmp", "ipsec-manual");
      keying = k.equals("ipsec-manual") ? CryptoMapEntry.Keying.IPSEC_MANUAL : CryptoMapEntry.Keying.IPSEC_ISAKMP;
      if (a.accept("dynamic")) {
        // crypto map NAME SEQ ipsec-isakmp dynamic DYN [discover]: the entry stands for a dynamic crypto map set,
        // whose peers are whoever authenticates (responder only); it opens no sub-mode
        if (keying != CryptoMapEntry.Keying.IPSEC_ISAKMP) {
          throw a.fail("only an ipsec-isakmp entry can refer to a dynamic crypto map");
        }
        String dyn = a.name("dynamic map name");
        if (a.accept("discover")) {
          diagnostics.warn(a.lineNumber, "discover (Tunnel Endpoint Discovery) is not used by this gateway; ignored");
        }
        a.end();
        ConfigDraft.CryptoMapDraft entry = draft.cryptoMap(name, seq, keying);
        if (entry.hasSettings()) {
          throw a.fail(name + " " + seq + " already has set commands: a dynamic entry takes them from crypto "
              + "dynamic-map " + dyn + " (remove the entry first)");
        }
        entry.dynamicMap = dyn;
        references.add(CrossReferences.Kind.DYNAMIC_MAP, dyn, a.lineNumber);
        return null;
      }
    }
    a.end();
    if (existing != null && existing.dynamicMap != null) {
      throw a.fail(name + " " + seq + " stands for crypto dynamic-map " + existing.dynamicMap + ": its set and match "
          + "commands go there (crypto dynamic-map " + existing.dynamicMap + " SEQ)");
    }
    if (existing != null && existing.keying != keying) {
      throw a.fail(name + " " + seq + " is " + existing.keying.keyword() + ": it cannot become " + keying.keyword()
          + " (remove the entry first)");
    }
    return new CryptoMapBlock(draft.cryptoMap(name, seq, keying), diagnostics, references);
  }

  /**
   * {@code crypto dynamic-map NAME SEQ}: a template of the SAs a hub accepts from peers it has no {@code set peer}
   * for (Cisco guide, anti-replay chapter: its {@code set security-association replay} commands apply to "a
   * particular crypto map, dynamic crypto map, or crypto profile"). The same sub-mode as a crypto map entry;
   * {@code set transform-set} is required, {@code match address} optional (without it the initiator's traffic
   * selectors are taken as proposed).
   */
  private Block dynamicMap(Args a) {
    a.skip(2).command("crypto dynamic-map");
    String name = a.name("name");
    int seq = a.integer("sequence number", 1, 65_535);
    a.end();
    return new CryptoMapBlock(draft.dynamicMap(name, seq), diagnostics, references);
  }

  /**
   * {@code crypto ikev2 fragmentation [mtu 68-1500]} (Cisco's IKEv2 configuration guide, "Configuring Advanced
   * Properties for IKEv2"): RFC 7383 fragmentation; without {@code mtu}, 576 bytes for IPv4 and 1280 for IPv6.
   */
  private static io.ipsecmesh.proto.config.Ikev2Fragmentation fragmentation(Args a) {
    Integer mtu = null;
    if (a.accept("mtu")) {
      mtu = a.integer("mtu", io.ipsecmesh.proto.config.Ikev2Fragmentation.MIN_MTU,
          io.ipsecmesh.proto.config.Ikev2Fragmentation.MAX_MTU);
    }
    a.end();
    return new io.ipsecmesh.proto.config.Ikev2Fragmentation(mtu);
  }

  private Block ikev2(Args a) {
    String what = a.word(2).toLowerCase(Locale.ROOT);
    a.skip(3).command("crypto ikev2 " + what);
    switch (what) {
      case "proposal" -> {
        String name = a.name("name");
        a.end();
        return new Ikev2ProposalBlock(draft.ikev2Proposal(name));
      }
      case "policy" -> {
        String name = a.name("name");
        a.end();
        return new Ikev2PolicyBlock(draft.ikev2Policy(name), diagnostics, references);
      }
      case "keyring" -> {
        String name = a.name("name");
        a.end();
        return new Ikev2KeyringBlock(draft.ikev2Keyring(name), diagnostics);
      }
      case "profile" -> {
        String name = a.name("name");
        a.end();
        return new Ikev2ProfileBlock(draft.ikev2Profile(name), diagnostics, references);
      }
      case "dpd" -> draft.ikev2Dpd = Ikev2ProfileBlock.dpd(a);
      case "fragmentation" -> draft.ikev2Fragmentation = fragmentation(a);
      default -> ignored(a, "crypto ikev2 " + Args.quote(what) + " is not used by this gateway; ignored");
    }
    return null;
  }

  private void numberedAccessList(Args a) {
    a.skip(1).command("access-list");
    int number = a.integer("number", 1, 2699);
    boolean extended = (number >= 100 && number <= 199) || number >= 2000;
    if (!extended) {
      if (number <= 99 || number >= 1300) {
        ignored(a, "standard access-list " + number + " does not select crypto traffic; ignored");
        return;
      }
      throw a.fail("number must be 100-199 or 2000-2699 (extended), got " + number);
    }
    a.command("access-list " + number);
    draft.accessList(String.valueOf(number), true).entries.add(AccessListEntryParser.parse(a));
  }
}

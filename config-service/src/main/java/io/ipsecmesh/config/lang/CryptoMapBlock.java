package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.SessionKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code crypto map NAME SEQ ipsec-isakmp|ipsec-manual}: {@code set peer} (repeatable, in failover order),
 * {@code set transform-set}, {@code set security-association …}, {@code set pfs}, {@code set ikev2-profile}, {@code set isakmp-profile},
 * {@code set session-key} (manual keying) and {@code match address}.
 */
final class CryptoMapBlock implements Block {

  private final ConfigDraft.CryptoMapDraft map;
  private final Diagnostics diagnostics;
  private final CrossReferences references;

  CryptoMapBlock(ConfigDraft.CryptoMapDraft map, Diagnostics diagnostics, CrossReferences references) {
    this.map = map;
    this.diagnostics = diagnostics;
    this.references = references;
  }

  @Override
  public String title() {
    return (map.dynamicTemplate ? "crypto dynamic-map " : "crypto map ") + map.name + " " + map.seq;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "set") || a.is(0, "match") || a.is(0, "description") || a.is(0, "reverse-route");
  }

  @Override
  public Block apply(Args a) {
    if (a.is(0, "match")) {
      a.skip(1).command("match");
      a.oneOf("match", "address");
      a.command("match address");
      String acl = a.name("access list");
      a.end();
      map.matchAddress = acl;
      references.add(CrossReferences.Kind.ACCESS_LIST, acl, a.lineNumber);
      return null;
    }
    if (a.is(0, "reverse-route") && map.dynamicTemplate) {
      // the forwarder routes a dynamic map's negotiated networks into its TUN whenever their SAs are up
      diagnostics.warn(a.lineNumber, "reverse-route: the networks peers negotiate through a dynamic crypto map are"
          + " always routed into the tunnel, and the routes removed with their SAs; nothing to add, ignored");
      return null;
    }
    if (!a.is(0, "set")) {
      diagnostics.warn(a.lineNumber, a.word(0) + " is not used by this gateway; ignored");
      return null;
    }
    String what = a.word(1).toLowerCase(Locale.ROOT);
    a.skip(2).command("set " + what);
    switch (what) {
      case "peer" -> peer(a);
      case "transform-set" -> {
        List<String> names = new ArrayList<>(List.of(a.name("transform set name")));
        while (a.hasMore()) {
          names.add(a.name("transform set name"));
        }
        boolean manual = map.keying == CryptoMapEntry.Keying.IPSEC_MANUAL;
        if (manual && Stream.concat(map.transformSets.stream(), names.stream()).distinct().count() > 1) {
          throw a.fail("an ipsec-manual crypto map takes one transform set");
        }
        if (map.transformSetLine == 0) {
          map.transformSetLine = a.lineNumber;
        }
        names.forEach(n -> addTransformSet(n, a.lineNumber));
      }
      case "security-association" -> map.sa = SaSettingsParser.apply(a, map.sa, "set security-association");
      case "pfs" -> {
        map.pfsGroup = a.hasMore() ? pfsGroup(a) : IsakmpPolicyBlock.DEFAULT_PFS_GROUP;
        map.pfsLine = a.lineNumber;
        a.end();
      }
      case "ikev2-profile" -> {
        map.ikev2Profile = a.name("profile name");
        a.end();
        references.add(CrossReferences.Kind.IKEV2_PROFILE, map.ikev2Profile, a.lineNumber);
      }
      case "isakmp-profile" -> {
        map.isakmpProfile = a.name("profile name");
        a.end();
        references.add(CrossReferences.Kind.ISAKMP_PROFILE, map.isakmpProfile, a.lineNumber);
      }
      case "session-key" -> sessionKey(a);
      default -> diagnostics.warn(a.lineNumber, "set " + Args.quote(what) + " is not used by this gateway; ignored");
    }
    return null;
  }

  private void peer(Args a) {
    String peer = a.host("address");
    // set peer {host-name [dynamic] | ip-address} (Cisco guide, "Creating Static Crypto Maps", step 4): a host
    // name is resolved when the configuration is applied, or with "dynamic" just before every connection to the
    // peer; "default" marks the first peer to return to.
    boolean dynamic = a.accept("dynamic");
    if (dynamic && (Ipv4.isAddress(peer) || io.ipsecmesh.proto.config.Ipv6.isAddress(peer))) {
      throw a.fail("dynamic applies to a host name only: write set peer " + peer + " (an address is not resolved)");
    }
    a.accept("default");
    a.end();
    if (map.peers.contains(peer)) {
      diagnostics.warn(a.lineNumber, "peer " + peer + " is already in the peer list of " + title());
      return;
    }
    if (map.keying == CryptoMapEntry.Keying.IPSEC_MANUAL && !map.peers.isEmpty()) {
      throw a.fail("an ipsec-manual crypto map takes one peer");
    }
    map.peers.add(peer);
    if (dynamic) {
      map.dynamicPeers.add(peer);
    }
  }

  private void addTransformSet(String name, int line) {
    if (!map.transformSets.contains(name)) {
      map.transformSets.add(name);
      references.add(CrossReferences.Kind.TRANSFORM_SET, name, line);
    }
  }

  static int pfsGroup(Args a) {
    String g = a.next("group (group14, group19, group20 or group31)").toLowerCase(Locale.ROOT);
    if (!g.startsWith("group") || g.length() > 7 || g.length() < 6
        || !g.substring(5).chars().allMatch(Character::isDigit)) {
      throw a.fail("group must be group14, group19, group20 or group31, got '" + Args.quote(g) + "'");
    }
    int n = Integer.parseInt(g.substring(5));
    if (InsecureCrypto.weakGroup(n)) {
      a.legacy.use(a.lineNumber, "set pfs group" + n + " is insecure (RFC 8247): use group14, group19 or group20",
          "set pfs group" + n);
      return n;
    }
    // the PFS exchange of an IKEv2 CREATE_CHILD_SA may use Curve25519 like the IKE SA itself; a group
    // the engine cannot compute is refused rather than accepted and negotiated as no PFS at all
    if (!IsakmpPolicyBlock.IKEV2_GROUPS.contains(n)) {
      throw a.fail("group must be group14, group19, group20 or group31, got '" + g + "'"
          + IsakmpPolicyBlock.unsupported(n));
    }
    return n;
  }

  private void sessionKey(Args a) {
    if (map.keying != CryptoMapEntry.Keying.IPSEC_MANUAL) {
      throw a.fail("session keys need an ipsec-manual crypto map (this one is ipsec-isakmp)");
    }
    String direction = a.oneOf("direction", "inbound", "outbound");
    a.command("set session-key " + direction);
    String protocol = a.oneOf("protocol", "esp", "ah");
    if (protocol.equals("ah")) {
      throw new LineError("set session-key " + direction + " ah is refused (RFC 8221: AH is not supported): use esp");
    }
    a.command("set session-key " + direction + " esp");
    long spi = a.number("SPI", 256, 4_294_967_295L);
    if (!a.accept("cipher")) {
      throw a.fail("missing 'cipher HEX-KEY' after the SPI");
    }
    String cipher = hex(a, "cipher key");
    String authenticator = null;
    if (a.accept("authenticator")) {
      authenticator = hex(a, "authenticator key");
    }
    if (a.hasMore()) {
      // what follows the keys may be more key material (a key split by a blank): never echo it
      throw a.fail("unexpected text after the keys (not shown: it may hold key material); the line ends with "
          + "'cipher HEX-KEY [authenticator HEX-KEY]'");
    }
    SessionKey key = new SessionKey(spi, cipher, authenticator);
    if (direction.equals("inbound")) {
      map.inboundEsp = key;
      map.inboundLine = a.lineNumber;
    } else {
      map.outboundEsp = key;
      map.outboundLine = a.lineNumber;
    }
  }

  /** A key in hex; a malformed one is described (length, position of the first bad character), never echoed. */
  private static String hex(Args a, String what) {
    // "6 SEALED": a key as show running-config prints it (a lone "6" is no key: odd length)
    String h = Type6Secret.next(a) ? Type6Secret.read(a, "session-key", what) : a.next(what);
    int bad = 0;
    while (bad < h.length() && Character.digit(h.charAt(bad), 16) >= 0) {
      bad++;
    }
    if (bad < h.length()) {
      throw a.fail(what + " must be hex digits only: character " + (bad + 1) + " of " + h.length()
          + " is not (the key is not shown)");
    }
    if (h.length() % 2 != 0 || h.length() > 256) {
      throw a.fail(what + " must be an even number of hex digits (at most 256), got " + h.length()
          + " (the key is not shown)");
    }
    return HexFormat.of().formatHex(HexFormat.of().parseHex(h));
  }
}

package io.ipsecmesh.ike.policy;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.EncrAlgorithm;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.IntegAlgorithm;
import io.ipsecmesh.ike.crypto.PrfAlgorithm;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Policy;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ikev2Proposal;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the IOS configuration into {@link PeerPolicy}s: one per {@code set peer} of every
 * {@code crypto map … ipsec-isakmp} entry that names an IKEv2 profile ({@code set ikev2-profile}),
 * in peer order. Entries without a usable key, proposal or transform set are skipped: the
 * configuration language already rejected what it can.
 */
public final class ConfigPolicies {

  private static final System.Logger LOG = System.getLogger(ConfigPolicies.class.getName());

  /** When no {@code crypto ikev2 policy} applies: AEAD first, then a CBC suite (RFC 8247 MUST/SHOULD). */
  static final List<IkeSuite> DEFAULT_SUITES = List.of(
      Proposals.parseSuite("aes256gcm16-prfsha384-ecp384"),
      Proposals.parseSuite("aes128gcm16-prfsha256-x25519"),
      Proposals.parseSuite("aes256gcm16-prfsha256-ecp256"),
      Proposals.parseSuite("aes256-sha256-modp2048"));

  private ConfigPolicies() {}

  public static List<PeerPolicy> from(GatewayConfig cfg, String fallbackLocalAddress) {
    return from(cfg, fallbackLocalAddress, null);
  }

  /**
   * @param credentials the gateway's certificate, key and CAs, used by IKEv2 profiles with
   *                    {@code authentication local rsa-sig} (entries of such profiles are skipped
   *                    while none are configured); its CAs verify peers of profiles that name no
   *                    {@code pki trustpoint}
   */
  public static List<PeerPolicy> from(GatewayConfig cfg, String fallbackLocalAddress, Credentials credentials) {
    return from(cfg, fallbackLocalAddress, credentials, TrustStore.EMPTY);
  }

  /**
   * @param trust the trust anchors of the configuration's {@code crypto pki trustpoint}s
   */
  public static List<PeerPolicy> from(GatewayConfig cfg, String fallbackLocalAddress, Credentials credentials,
      TrustStore trust) {
    return from(cfg, fallbackLocalAddress, credentials, trust, HostResolver.fromEnvironment());
  }

  /**
   * @param resolver resolves the host names of {@code set peer HOST}: now, for a peer without {@code dynamic} (one
   *                 that does not resolve is left out and logged, IOS keeps such an entry without that peer); a
   *                 {@code dynamic} one is left unresolved for {@link PolicyStore} to resolve at each attempt
   */
  public static List<PeerPolicy> from(GatewayConfig cfg, String fallbackLocalAddress, Credentials credentials,
      TrustStore trust, HostResolver resolver) {
    List<PeerPolicy> out = new ArrayList<>();
    for (CryptoMapEntry e : cfg.cryptoMaps()) {
      if (e.dynamicMap() != null) {
        out.addAll(dynamicTemplates(cfg, e, fallbackLocalAddress, credentials, trust));
        continue;
      }
      if (e.keying() != CryptoMapEntry.Keying.IPSEC_ISAKMP || e.ikev2Profile() == null) {
        continue;
      }
      // an entry whose profile is missing cannot authenticate anybody: IOS negotiates nothing for it
      Ikev2Profile profile = cfg.ikev2Profile(e.ikev2Profile());
      CryptoMapTerms terms = CryptoMapTerms.of(cfg, e, CryptoMapTerms.Ports.ALL_OPERATORS);
      if (terms == null || profile == null) {
        continue;
      }
      String localAddress = profile.identityLocalAddress() != null
          ? profile.identityLocalAddress()
          : terms.interfaceAddress(fallbackLocalAddress);
      out.addAll(peerPolicies(cfg, e, terms, profile, localAddress, credentials, trust, resolver));
    }
    out.addAll(TunnelInterfacePolicies.from(cfg, fallbackLocalAddress, credentials, trust, resolver));
    return out;
  }

  /**
   * The policies of one {@code crypto map … ipsec-isakmp} entry with an IKEv2 profile — or of the entry a tunnel
   * interface stands for ({@link TunnelInterfacePolicies}) — one per {@code set peer}, in peer order; empty when the
   * profile cannot authenticate anybody.
   */
  static List<PeerPolicy> peerPolicies(GatewayConfig cfg, CryptoMapEntry e, CryptoMapTerms terms, Ikev2Profile profile,
      String localAddress, Credentials credentials, TrustStore trust, HostResolver resolver) {
    List<PeerPolicy> out = new ArrayList<>();
    List<IkeSuite> suites = suites(cfg, localAddress);
    PeerAuthorization.Method localMethod = PeerAuthorization.Method.of(
        profile.authenticationLocal() == null ? "pre-share" : profile.authenticationLocal());
    boolean certificates = localMethod.signature();
    if (certificates && credentials == null) {
      return out;
    }
    PeerAuthorization remote = authorization(cfg, profile, credentials, trust);
    if (remote == null) {
      return out;
    }
    for (String configured : e.peers()) {
      String host = Ipv4.isAddress(configured) || Ipv6.isAddress(configured) ? null : configured;
      boolean dynamic = host != null && e.dynamicPeer(host);
      String peer = configured;
      if (host != null && !dynamic) {
        // an address of the entry's family: IPv6 for an ipv6 crypto map (its local address is IPv6), else IPv4
        java.util.Optional<String> resolved = SetPeers.addressFor(resolver, host, localAddress, "crypto map "
            + e.name() + " " + e.seq() + ": set peer", "peer left out until the configuration is applied again (or"
            + " write set peer " + host + " dynamic to resolve it at each attempt)");
        if (resolved.isEmpty()) {
          continue;
        }
        peer = resolved.get();
      } else if (dynamic) {
        peer = PeerPolicy.UNRESOLVED;
      }
      byte[][] keys = host != null ? hostPsk(cfg, profile, host, dynamic ? null : peer) : psk(cfg, profile, peer);
      boolean needKey = !certificates || remote.method() == PeerAuthorization.Method.PRE_SHARE;
      if (needKey && keys == null && remote.identityKeys().isEmpty()) {
        continue;
      }
      if (keys == null) {
        keys = new byte[][] {null, null};
      }
      PeerPolicy.Identity localId = localIdentity(profile, localAddress, certificates ? credentials : null);
      out.add(new PeerPolicy(e.name(), e.seq(), peer, localAddress, localId, remote, keys[0], keys[1], suites,
          terms.espTransforms(), terms.pfsGroup(), terms.localSelectors(), terms.remoteSelectors(), terms.mode(),
          terms.replayWindow(), terms.lifetimeSeconds(), terms.lifetimeKilobytes(), terms.idleTimeSeconds(),
          terms.dfBit(), profile.lifetimeSeconds() == null ? 86400 : profile.lifetimeSeconds(),
          certificates ? credentials : null, host, dynamic));
    }
    return out;
  }

  /**
   * The templates of {@code crypto map VIA SEQ ipsec-isakmp dynamic DYN}: one per entry of {@code crypto dynamic-map
   * DYN} that names an IKEv2 profile, in sequence order, each for any peer ({@link PeerPolicy#anyPeer()}) that
   * authenticates through that profile's keyring — for pre-shared keys a key for every address ({@code address
   * 0.0.0.0 0.0.0.0} in the keyring, or {@code crypto isakmp key K address 0.0.0.0 0.0.0.0}) — and whose proposed
   * traffic selectors narrow to the template's {@code match address} (RFC 7296 §2.9), or are taken as proposed
   * without one. The SAs are the static entry's ({@code VIA SEQ}), as IOS shows them.
   */
  static List<PeerPolicy> dynamicTemplates(GatewayConfig cfg, CryptoMapEntry via, String fallbackLocalAddress,
      Credentials credentials, TrustStore trust) {
    List<PeerPolicy> out = new ArrayList<>();
    for (CryptoMapEntry dyn : cfg.dynamicMap(via.dynamicMap())) {
      Ikev2Profile profile = dyn.ikev2Profile() == null ? null : cfg.ikev2Profile(dyn.ikev2Profile());
      CryptoMapTerms terms = CryptoMapTerms.ofDynamic(cfg, via, dyn, CryptoMapTerms.Ports.ALL_OPERATORS);
      if (terms == null || profile == null) {
        continue;
      }
      String localAddress = profile.identityLocalAddress() != null ? profile.identityLocalAddress()
          : terms.interfaceAddress(fallbackLocalAddress);
      PeerAuthorization.Method localMethod = PeerAuthorization.Method.of(
          profile.authenticationLocal() == null ? "pre-share" : profile.authenticationLocal());
      boolean certificates = localMethod.signature();
      if (certificates && credentials == null) {
        continue;
      }
      PeerAuthorization remote = authorization(cfg, profile, credentials, trust);
      if (remote == null) {
        continue;
      }
      byte[][] keys = psk(cfg, profile, PeerPolicy.UNRESOLVED);
      boolean needKey = !certificates || remote.method() == PeerAuthorization.Method.PRE_SHARE;
      if (needKey && keys == null && remote.identityKeys().isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "crypto map " + via.name() + " " + via.seq() + " dynamic "
            + via.dynamicMap() + " " + dyn.seq() + ": no key for any address in keyring of profile " + profile.name()
            + " (address 0.0.0.0 0.0.0.0) nor a keyring peer by identity: no peer can authenticate");
        continue;
      }
      if (keys == null) {
        keys = new byte[][] {null, null};
      }
      out.add(new PeerPolicy(via.name(), via.seq(), PeerPolicy.UNRESOLVED, localAddress,
          localIdentity(profile, localAddress, certificates ? credentials : null), remote, keys[0], keys[1],
          suites(cfg, localAddress), terms.espTransforms(), terms.pfsGroup(), terms.localSelectors(),
          terms.remoteSelectors(), terms.mode(), terms.replayWindow(), terms.lifetimeSeconds(),
          terms.lifetimeKilobytes(), terms.idleTimeSeconds(), terms.dfBit(),
          profile.lifetimeSeconds() == null ? 86400 : profile.lifetimeSeconds(), certificates ? credentials : null,
          null, false, true));
    }
    return out;
  }

  /**
   * What a peer of {@code profile} must prove: its {@code match identity remote} statements, its
   * {@code authentication remote} method (when absent, the local one), the keyring peers found by
   * {@code identity}, and for signatures the CAs of its {@code pki trustpoint}s (else the gateway's
   * {@code --ike-ca-file} CAs); null when a signature method has no CA to verify with.
   */
  public static PeerAuthorization authorization(GatewayConfig cfg, Ikev2Profile profile, Credentials credentials,
      TrustStore trust) {
    List<IdentityMatch> matches = new ArrayList<>();
    for (String a : profile.matchRemoteAddresses()) {
      matches.add(new IdentityMatch(IkeIdentity.Type.ADDRESS, a, false));
    }
    matches.addAll(profile.matchIdentities());
    String remote = profile.authenticationRemote() != null ? profile.authenticationRemote()
        : profile.authenticationLocal() != null ? profile.authenticationLocal() : "pre-share";
    PeerAuthorization.Method method = PeerAuthorization.Method.of(remote);
    List<PeerAuthorization.IdentityKey> byIdentity = new ArrayList<>();
    Ikev2Keyring ring = profile.keyring() == null ? null : cfg.ikev2Keyring(profile.keyring());
    if (ring != null) {
      for (Ikev2KeyringPeer p : ring.peers()) {
        String l = p.localKey() != null ? p.localKey() : p.remoteKey();
        String r = p.remoteKey() != null ? p.remoteKey() : p.localKey();
        if (p.identity() != null && l != null) {
          byIdentity.add(new PeerAuthorization.IdentityKey(p.identity(), l.getBytes(StandardCharsets.UTF_8),
              r.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    java.util.Set<java.security.cert.TrustAnchor> anchors = java.util.Set.of();
    io.ipsecmesh.ike.crypto.RevocationPolicy crl = io.ipsecmesh.ike.crypto.RevocationPolicy.NONE;
    if (method.signature()) {
      if (!profile.pkiTrustpoints().isEmpty()) {
        anchors = trust.anchors(profile.pkiTrustpoints());
        crl = trust.revocation(profile.pkiTrustpoints());
      } else if (credentials != null) {
        anchors = credentials.anchors();
      }
      if (anchors.isEmpty()) {
        return null;
      }
    }
    return new PeerAuthorization(matches, method, byIdentity, anchors, crl);
  }

  /**
   * {@code identity local}: the configured one; without it the address (IOS's default), or with
   * certificates the name the certificate carries, so that the peer finds it there (RFC 4945 §3.1).
   */
  static PeerPolicy.Identity localIdentity(Ikev2Profile profile, String localAddress, Credentials credentials) {
    IkeIdentity id = profile.identityLocal();
    if (id == null) {
      return credentials != null && profile.identityLocalAddress() == null ? credentials.identity()
          : addressIdentity(localAddress);
    }
    return switch (id.type()) {
      case ADDRESS -> addressIdentity(id.value());
      case FQDN -> new PeerPolicy.Identity(IkeConstants.ID_FQDN, id.value());
      case EMAIL -> new PeerPolicy.Identity(IkeConstants.ID_RFC822_ADDR, id.value());
      case KEY_ID -> new PeerPolicy.Identity(IkeConstants.ID_KEY_ID, id.value());
      case DN -> credentials != null
          ? new PeerPolicy.Identity(IkeConstants.ID_DER_ASN1_DN,
              credentials.chain().get(0).getSubjectX500Principal().getName())
          : addressIdentity(localAddress);
    };
  }

  /** An address as its ID: ID_IPV6_ADDR for an IPv6 address, else ID_IPV4_ADDR (RFC 7296 §3.5). */
  static PeerPolicy.Identity addressIdentity(String address) {
    return new PeerPolicy.Identity(Ipv6.looksLike(address) ? IkeConstants.ID_IPV6_ADDR : IkeConstants.ID_IPV4_ADDR,
        address);
  }

  /** Local and remote PSK: the profile's keyring peer for this address, else {@code crypto isakmp key}. */
  static byte[][] psk(GatewayConfig cfg, Ikev2Profile profile, String peer) {
    Ikev2Keyring ring = profile == null || profile.keyring() == null ? null : cfg.ikev2Keyring(profile.keyring());
    if (ring != null) {
      for (Ikev2KeyringPeer p : ring.peers()) {
        if (p.address() != null && new IsakmpKey("", p.address(), p.mask()).matches(peer)) {
          String l = p.localKey() != null ? p.localKey() : p.remoteKey();
          String r = p.remoteKey() != null ? p.remoteKey() : p.localKey();
          if (l != null) {
            return new byte[][] {l.getBytes(StandardCharsets.UTF_8), r.getBytes(StandardCharsets.UTF_8)};
          }
        }
      }
    }
    IsakmpKey k = cfg.isakmpKeyFor(peer);
    if (k == null) {
      return null;
    }
    byte[] b = k.key().getBytes(StandardCharsets.UTF_8);
    return new byte[][] {b, b.clone()};
  }

  /**
   * The keys of a {@code set peer HOST} peer: the profile's keyring peer with {@code hostname HOST} (IOS finds an
   * initiator's key by the host name it connects to), else {@code crypto isakmp key … hostname HOST}, else the key
   * for the address it resolved to, else a key for every address ({@code address 0.0.0.0 0.0.0.0}).
   */
  static byte[][] hostPsk(GatewayConfig cfg, Ikev2Profile profile, String host, String resolved) {
    Ikev2Keyring ring = profile == null || profile.keyring() == null ? null : cfg.ikev2Keyring(profile.keyring());
    if (ring != null) {
      for (Ikev2KeyringPeer p : ring.peers()) {
        if (p.hostname() != null && p.hostname().equalsIgnoreCase(host)) {
          String l = p.localKey() != null ? p.localKey() : p.remoteKey();
          String r = p.remoteKey() != null ? p.remoteKey() : p.localKey();
          if (l != null) {
            return new byte[][] {l.getBytes(StandardCharsets.UTF_8), r.getBytes(StandardCharsets.UTF_8)};
          }
        }
      }
    }
    for (IsakmpKey k : cfg.isakmpKeys()) {
      if (k.hostname() != null && k.hostname().equalsIgnoreCase(host)) {
        byte[] b = k.key().getBytes(StandardCharsets.UTF_8);
        return new byte[][] {b, b.clone()};
      }
    }
    return psk(cfg, profile, resolved != null ? resolved : PeerPolicy.UNRESOLVED);
  }

  static List<IkeSuite> suites(GatewayConfig cfg, String localAddress) {
    List<IkeSuite> out = new ArrayList<>();
    for (Ikev2Policy pol : cfg.ikev2Policies()) {
      if (!pol.matchAddressLocal().isEmpty() && !pol.matchAddressLocal().contains(localAddress)) {
        continue;
      }
      for (String name : pol.proposals()) {
        Ikev2Proposal p = cfg.ikev2Proposal(name);
        if (p != null) {
          out.addAll(expand(p));
        }
      }
    }
    return out.isEmpty() ? DEFAULT_SUITES : List.copyOf(out);
  }

  /** Every combination of the proposal's lists, in their order of preference (IOS semantics). */
  static List<IkeSuite> expand(Ikev2Proposal p) {
    List<IkeSuite> out = new ArrayList<>();
    for (String enc : p.encryption()) {
      boolean gcm = enc.startsWith("aes-gcm");
      int bits;
      try {
        bits = Integer.parseInt(enc.substring(enc.lastIndexOf('-') + 1));
      } catch (NumberFormatException ex) {
        continue;
      }
      EncrAlgorithm e = gcm ? EncrAlgorithm.AES_GCM_16 : EncrAlgorithm.AES_CBC;
      List<String> prfs = p.prf().isEmpty() ? p.integrity() : p.prf();
      for (String prfName : prfs) {
        PrfAlgorithm prf = PrfAlgorithm.byIosName(prfName);
        if (prf == null) {
          continue;
        }
        List<IntegAlgorithm> integs = new ArrayList<>();
        if (gcm) {
          integs.add(null);
        } else {
          p.integrity().stream().map(IntegAlgorithm::byIosName).filter(x -> x != null).forEach(integs::add);
        }
        for (IntegAlgorithm integ : integs) {
          for (int g : p.groups()) {
            DhGroup dh = DhGroup.byId(g);
            if (dh != null) {
              out.add(new IkeSuite(e, bits, prf, integ, dh));
            }
          }
        }
      }
    }
    return out;
  }
}

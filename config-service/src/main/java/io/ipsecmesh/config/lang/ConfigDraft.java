package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Dpd;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Policy;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ikev2Proposal;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.IsakmpProfile;
import io.ipsecmesh.proto.config.PkiTrustpoint;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration while it is being read: one mutable builder per IOS object, found again by name
 * when a later block re-enters it (IOS merges a second {@code interface FastEthernet0} block into the
 * first). {@link #build()} freezes it into the immutable {@link GatewayConfig}.
 */
final class ConfigDraft {

  final Map<Integer, PolicyDraft> isakmpPolicies = new LinkedHashMap<>();
  final Map<String, IsakmpKey> isakmpKeys = new LinkedHashMap<>();
  IsakmpKeepalive isakmpKeepalive;
  Integer natKeepaliveSeconds;
  boolean invalidSpiRecovery;
  boolean natTransparency = true;
  /** DES, 3DES, MD5 and groups 1/2/5 used, and whether {@code crypto engine compliance shield disable} allows them. */
  final LegacyCrypto legacy = new LegacyCrypto();
  /** {@code crypto map NAME local-address INTERFACE}, by map name. */
  final Map<String, String> cryptoMapLocalAddress = new LinkedHashMap<>();
  DfBit dfBit = DfBit.COPY;
  Fragmentation fragmentation = Fragmentation.BEFORE_ENCRYPTION;
  SaSettings sa = SaSettings.DEFAULTS;
  final Map<String, TransformSetDraft> transformSets = new LinkedHashMap<>();
  /** Transform sets whose line was refused: referring to them needs no second message. */
  final Set<String> refusedTransformSets = new HashSet<>();
  final Map<String, CryptoMapDraft> cryptoMaps = new LinkedHashMap<>();
  /** {@code crypto dynamic-map NAME SEQ} entries ("NAME SEQ" → entry). */
  final Map<String, CryptoMapDraft> dynamicMaps = new LinkedHashMap<>();
  final Map<String, AccessListDraft> accessLists = new LinkedHashMap<>();
  final Map<String, InterfaceDraft> interfaces = new LinkedHashMap<>();
  final Map<String, EzvpnDraft> ezvpnClients = new LinkedHashMap<>();
  final Map<String, ProposalDraft> ikev2Proposals = new LinkedHashMap<>();
  final Map<String, Ikev2PolicyDraft> ikev2Policies = new LinkedHashMap<>();
  final Map<String, KeyringDraft> ikev2Keyrings = new LinkedHashMap<>();
  final Map<String, ProfileDraft> ikev2Profiles = new LinkedHashMap<>();
  Ikev2Dpd ikev2Dpd;
  /** {@code crypto ikev2 fragmentation [mtu N]}; null when not configured. */
  io.ipsecmesh.proto.config.Ikev2Fragmentation ikev2Fragmentation;
  final Map<String, TrustpointDraft> pkiTrustpoints = new LinkedHashMap<>();
  final Map<String, IsakmpProfileDraft> isakmpProfiles = new LinkedHashMap<>();
  String isakmpIdentity;
  boolean aggressiveModeDisabled;
  final Map<String, IsakmpPeerDraft> isakmpPeers = new LinkedHashMap<>();
  String hostname;
  String domainName;
  final Map<String, IpsecProfileDraft> ipsecProfiles = new LinkedHashMap<>();
  final List<io.ipsecmesh.proto.config.StaticRoute> staticRoutes = new ArrayList<>();
  /** Where each {@code ip route} was given, in the order of {@link #staticRoutes}. */
  final List<Integer> staticRouteLines = new ArrayList<>();

  IpsecProfileDraft ipsecProfile(String name) {
    return ipsecProfiles.computeIfAbsent(name, IpsecProfileDraft::new);
  }

  TrustpointDraft pkiTrustpoint(String name) {
    return pkiTrustpoints.computeIfAbsent(name, TrustpointDraft::new);
  }

  IsakmpProfileDraft isakmpProfile(String name) {
    return isakmpProfiles.computeIfAbsent(name, IsakmpProfileDraft::new);
  }

  IsakmpPeerDraft isakmpPeer(String address) {
    return isakmpPeers.computeIfAbsent(address, IsakmpPeerDraft::new);
  }

  PolicyDraft isakmpPolicy(int priority) {
    return isakmpPolicies.computeIfAbsent(priority, PolicyDraft::new);
  }

  CryptoMapDraft cryptoMap(String name, int seq, CryptoMapEntry.Keying keying) {
    CryptoMapDraft m = cryptoMaps.computeIfAbsent(name + " " + seq, k -> new CryptoMapDraft(name, seq));
    m.keying = keying;
    return m;
  }

  CryptoMapDraft dynamicMap(String name, int seq) {
    CryptoMapDraft m = dynamicMaps.computeIfAbsent(name + " " + seq, k -> new CryptoMapDraft(name, seq));
    m.dynamicTemplate = true;
    return m;
  }

  AccessListDraft accessList(String name, boolean numbered) {
    return accessLists.computeIfAbsent(name, n -> new AccessListDraft(n, numbered));
  }

  InterfaceDraft iface(String name) {
    return interfaces.computeIfAbsent(name, InterfaceDraft::new);
  }

  EzvpnDraft ezvpn(String name) {
    return ezvpnClients.computeIfAbsent(name, EzvpnDraft::new);
  }

  ProposalDraft ikev2Proposal(String name) {
    return ikev2Proposals.computeIfAbsent(name, ProposalDraft::new);
  }

  Ikev2PolicyDraft ikev2Policy(String name) {
    return ikev2Policies.computeIfAbsent(name, Ikev2PolicyDraft::new);
  }

  KeyringDraft ikev2Keyring(String name) {
    return ikev2Keyrings.computeIfAbsent(name, KeyringDraft::new);
  }

  ProfileDraft ikev2Profile(String name) {
    return ikev2Profiles.computeIfAbsent(name, ProfileDraft::new);
  }

  GatewayConfig build() {
    List<String> mapOrder = cryptoMaps.values().stream().map(m -> m.name).distinct().toList();
    return GatewayConfig.builder()
        .isakmpPolicies(isakmpPolicies.values().stream()
            .sorted(Comparator.comparingInt(p -> p.priority))
            .map(PolicyDraft::build)
            .toList())
        .isakmpKeys(List.copyOf(isakmpKeys.values()))
        .isakmpKeepalive(isakmpKeepalive)
        .natKeepaliveSeconds(natKeepaliveSeconds)
        .invalidSpiRecovery(invalidSpiRecovery)
        .natTransparency(natTransparency)
        .dfBit(dfBit)
        .sa(sa)
        .transformSets(
            transformSets.values().stream().filter(t -> t.transform != null).map(TransformSetDraft::build).toList())
        .cryptoMaps(cryptoMaps.values().stream()
            .sorted(Comparator.<CryptoMapDraft>comparingInt(m -> mapOrder.indexOf(m.name)).thenComparingInt(m -> m.seq))
            .map(CryptoMapDraft::build)
            .toList())
        .accessLists(accessLists.values().stream().map(AccessListDraft::build).toList())
        .interfaces(interfaces.values().stream().map(InterfaceDraft::build).toList())
        .ezvpnClients(ezvpnClients.values().stream().map(EzvpnDraft::build).toList())
        .ikev2Proposals(ikev2Proposals.values().stream().map(ProposalDraft::build).toList())
        .ikev2Policies(ikev2Policies.values().stream().map(Ikev2PolicyDraft::build).toList())
        .ikev2Keyrings(ikev2Keyrings.values().stream().map(KeyringDraft::build).toList())
        .ikev2Profiles(ikev2Profiles.values().stream().map(ProfileDraft::build).toList())
        .ikev2Dpd(ikev2Dpd)
        .fragmentation(fragmentation)
        .complianceShieldDisabled(legacy.shieldDisabled)
        .cryptoMapLocalAddress(cryptoMapLocalAddress)
        .pkiTrustpoints(pkiTrustpoints.values().stream().map(TrustpointDraft::build).toList())
        .isakmpIdentity(isakmpIdentity)
        .hostname(hostname)
        .domainName(domainName)
        .isakmpProfiles(isakmpProfiles.values().stream().map(IsakmpProfileDraft::build).toList())
        .isakmpPeers(isakmpPeers.values().stream().map(IsakmpPeerDraft::build).toList())
        .aggressiveModeDisabled(aggressiveModeDisabled)
        .dynamicMaps(dynamicMaps.values().stream().map(CryptoMapDraft::build).toList())
        .ikev2Fragmentation(ikev2Fragmentation)
        .ipsecProfiles(ipsecProfiles.values().stream().map(IpsecProfileDraft::build).toList())
        .staticRoutes(staticRoutes)
        .build();
  }

  /** {@code crypto ipsec profile NAME}. */
  static final class IpsecProfileDraft {
    final String name;
    final List<String> transformSets = new ArrayList<>();
    SaSettings sa = SaSettings.INHERIT;
    Integer pfsGroup;
    String ikev2Profile;
    String isakmpProfile;

    IpsecProfileDraft(String name) {
      this.name = name;
    }

    io.ipsecmesh.proto.config.IpsecProfile build() {
      return new io.ipsecmesh.proto.config.IpsecProfile(name, transformSets, sa, pfsGroup, ikev2Profile,
          isakmpProfile);
    }
  }

  /** {@code crypto isakmp peer address IP}. */
  static final class IsakmpPeerDraft {
    final String address;
    String aggressivePassword;
    IkeIdentity clientEndpoint;
    int line;

    IsakmpPeerDraft(String address) {
      this.address = address;
    }

    io.ipsecmesh.proto.config.IsakmpPeer build() {
      return new io.ipsecmesh.proto.config.IsakmpPeer(address, aggressivePassword, clientEndpoint);
    }
  }

  static final class TrustpointDraft {
    final String name;
    /** Whether a {@code crypto pki trustpoint} line defined it (a certificate chain alone does not). */
    boolean defined;
    PkiTrustpoint.Revocation revocation = PkiTrustpoint.Revocation.NONE;
    String crlQuery;
    final List<String> caCertificates = new ArrayList<>();
    /** Certificates whose hex lines were begun but not ended by quit. */
    final List<CertificateChainBlock.HexBlock> openCertificates = new ArrayList<>();

    TrustpointDraft(String name) {
      this.name = name;
    }

    PkiTrustpoint build() {
      return new PkiTrustpoint(name, revocation, crlQuery, caCertificates);
    }
  }

  static final class IsakmpProfileDraft {
    final String name;
    final List<IdentityMatch> matchIdentities = new ArrayList<>();
    IkeIdentity selfIdentity;

    IsakmpProfileDraft(String name) {
      this.name = name;
    }

    IsakmpProfile build() {
      return new IsakmpProfile(name, matchIdentities, selfIdentity);
    }
  }

  static final class PolicyDraft {
    final int priority;
    String encryption = IsakmpPolicy.DEFAULT_ENCRYPTION;
    String hash = IsakmpPolicy.DEFAULT_HASH;
    String authentication = IsakmpPolicy.DEFAULT_AUTHENTICATION;
    int group = IsakmpPolicy.DEFAULT_GROUP;
    int lifetimeSeconds = IsakmpPolicy.DEFAULT_LIFETIME_SECONDS;

    PolicyDraft(int priority) {
      this.priority = priority;
    }

    IsakmpPolicy build() {
      return new IsakmpPolicy(priority, encryption, hash, authentication, group, lifetimeSeconds);
    }
  }

  static final class TransformSetDraft {
    final String name;
    /** Null when the transforms were refused: the set then stays out of the model. */
    EspTransform transform;
    ChildSa.Mode mode = ChildSa.Mode.TUNNEL;

    TransformSetDraft(String name) {
      this.name = name;
    }

    TransformSet build() {
      return new TransformSet(name, transform, mode);
    }
  }

  static final class CryptoMapDraft {
    final String name;
    final int seq;
    CryptoMapEntry.Keying keying = CryptoMapEntry.Keying.IPSEC_ISAKMP;
    final List<String> peers = new ArrayList<>();
    /** Host names of {@code peers} given with {@code dynamic}. */
    final List<String> dynamicPeers = new ArrayList<>();
    /** {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}: DYN. */
    String dynamicMap;
    /** An entry of {@code crypto dynamic-map}, not of {@code crypto map}. */
    boolean dynamicTemplate;
    final List<String> transformSets = new ArrayList<>();
    SaSettings sa = SaSettings.INHERIT;
    Integer pfsGroup;
    /** Where {@code set pfs} was given, to point at it if the group does not fit the entry's IKE version. */
    int pfsLine;
    String matchAddress;
    String ikev2Profile;
    /** Where {@code set transform-set} was first given, to point at it if the set cannot be used manually keyed. */
    int transformSetLine;
    String isakmpProfile;
    SessionKey inboundEsp;
    SessionKey outboundEsp;
    /** Where the session keys were set, to point at them if the transform set does not fit. */
    int inboundLine;
    int outboundLine;

    CryptoMapDraft(String name, int seq) {
      this.name = name;
      this.seq = seq;
    }

    /** Whether any sub-mode command gave this entry something of its own (a dynamic entry may have nothing). */
    boolean hasSettings() {
      return !peers.isEmpty() || !transformSets.isEmpty() || sa != SaSettings.INHERIT || pfsGroup != null
          || matchAddress != null || ikev2Profile != null || isakmpProfile != null || inboundEsp != null
          || outboundEsp != null;
    }

    CryptoMapEntry build() {
      return new CryptoMapEntry(name, seq, keying, peers, transformSets, sa, pfsGroup, matchAddress, ikev2Profile,
          inboundEsp, outboundEsp, isakmpProfile, dynamicPeers, dynamicMap);
    }
  }

  static final class AccessListDraft {
    final String name;
    final boolean numbered;
    /** {@code ipv6 access-list NAME}; {@code ipv6Line} where it was first opened (0: an IPv4 list). */
    boolean ipv6;
    int ipv6Line;
    /** Where it was first defined as an IPv4 list (0: never). */
    int ipv4Line;
    final List<AccessListEntry> entries = new ArrayList<>();

    AccessListDraft(String name, boolean numbered) {
      this.name = name;
      this.numbered = numbered;
    }

    AccessList build() {
      return new AccessList(name, numbered, entries, ipv6);
    }
  }

  static final class InterfaceDraft {
    final String name;
    String ipAddress;
    String mask;
    Integer ipMtu;
    String cryptoMap;
    /** {@code ipv6 address X/LEN} and {@code ipv6 crypto map NAME}. */
    String ipv6Address;
    Integer ipv6PrefixLength;
    String ipv6CryptoMap;
    /** {@code ipv6 mtu}, null for the default; {@code ipv6MtuLine} and {@code ipMtuLine} where given (0: not). */
    Integer ipv6Mtu;
    int ipv6MtuLine;
    int ipMtuLine;
    /** Where {@code ipv6 crypto map} and {@code crypto map} were given (0: not). */
    int ipv6CryptoMapLine;
    int cryptoMapLine;
    DfBit dfBit;
    Fragmentation fragmentation;
    EzvpnAttachment ezvpn;
    /** Where {@code crypto ipsec client ezvpn NAME [inside|outside]} was given (0: not). */
    int ezvpnLine;
    /** The {@code tunnel …} lines; {@code tunnelLine} is the first of them (0: none). */
    String tunnelSource;
    String tunnelDestination;
    io.ipsecmesh.proto.config.TunnelMode tunnelMode;
    String tunnelProtection;
    int tunnelLine;
    int protectionLine;

    InterfaceDraft(String name) {
      this.name = name;
    }

    InterfaceConfig build() {
      io.ipsecmesh.proto.config.TunnelSettings tunnel = tunnelLine == 0 ? null
          : new io.ipsecmesh.proto.config.TunnelSettings(tunnelSource, tunnelDestination, tunnelMode, tunnelProtection);
      return new InterfaceConfig(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel,
          ipv6Address == null ? null : ipv6Address + "/" + ipv6PrefixLength, ipv6CryptoMap, ipv6Mtu);
    }
  }

  static final class EzvpnDraft {
    final String name;
    EzvpnClient.Connect connect = EzvpnClient.Connect.AUTO;
    String group;
    String groupKey;
    EzvpnClient.Mode mode;
    String username;
    String password;
    String xauthUseridMode;
    final List<String> peers = new ArrayList<>();

    EzvpnDraft(String name) {
      this.name = name;
    }

    EzvpnClient build() {
      return new EzvpnClient(name, connect, group, groupKey, mode, peers, username, password, xauthUseridMode);
    }
  }

  static final class ProposalDraft {
    final String name;
    final List<String> encryption = new ArrayList<>();
    final List<String> integrity = new ArrayList<>();
    final List<String> prf = new ArrayList<>();
    final List<Integer> groups = new ArrayList<>();

    ProposalDraft(String name) {
      this.name = name;
    }

    Ikev2Proposal build() {
      return new Ikev2Proposal(name, encryption, integrity, prf, groups);
    }
  }

  static final class Ikev2PolicyDraft {
    final String name;
    final List<String> proposals = new ArrayList<>();
    final List<String> matchAddressLocal = new ArrayList<>();

    Ikev2PolicyDraft(String name) {
      this.name = name;
    }

    Ikev2Policy build() {
      return new Ikev2Policy(name, proposals, matchAddressLocal);
    }
  }

  static final class KeyringDraft {
    final String name;
    final Map<String, KeyringPeerDraft> peers = new LinkedHashMap<>();

    KeyringDraft(String name) {
      this.name = name;
    }

    KeyringPeerDraft peer(String peerName) {
      return peers.computeIfAbsent(peerName, KeyringPeerDraft::new);
    }

    Ikev2Keyring build() {
      return new Ikev2Keyring(name, peers.values().stream().map(KeyringPeerDraft::build).toList());
    }
  }

  static final class KeyringPeerDraft {
    final String name;
    String address;
    String mask;
    String localKey;
    String remoteKey;
    IdentityMatch identity;
    String hostname;

    KeyringPeerDraft(String name) {
      this.name = name;
    }

    Ikev2KeyringPeer build() {
      return new Ikev2KeyringPeer(name, address, mask, localKey, remoteKey, identity, hostname);
    }
  }

  static final class ProfileDraft {
    final String name;
    final List<String> matchRemoteAddresses = new ArrayList<>();
    String identityLocalAddress;
    String authenticationLocal;
    String authenticationRemote;
    String keyring;
    Ikev2Dpd dpd;
    Integer lifetimeSeconds;
    final List<IdentityMatch> matchIdentities = new ArrayList<>();
    IkeIdentity identityLocal;
    final List<String> pkiTrustpoints = new ArrayList<>();

    ProfileDraft(String name) {
      this.name = name;
    }

    Ikev2Profile build() {
      return new Ikev2Profile(name, matchRemoteAddresses, identityLocalAddress, authenticationLocal,
          authenticationRemote, keyring, dpd, lifetimeSeconds, matchIdentities, identityLocal, pkiTrustpoints);
    }
  }
}

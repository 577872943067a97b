package io.ipsecmesh.proto.config;

import java.util.Comparator;
import java.util.List;

/**
 * The typed model of an IOS configuration: every crypto-related command of the configuration, validated
 * by config-service and published on {@code config.changed}. Lists keep configuration order (except
 * crypto map entries and ISAKMP policies, kept sorted by sequence / priority as IOS shows them).
 * {@link #render()} gives the canonical {@code show running-config} text, which parses back to an equal
 * model.
 *
 * @param isakmpKeepalive     {@code crypto isakmp keepalive}, null when IKEv1 DPD is off
 * @param natKeepaliveSeconds {@code crypto isakmp nat keepalive} 5–3600, null when off
 * @param natTransparency     false after {@code no crypto ipsec nat-transparency udp-encapsulation}
 * @param dfBit               global {@code crypto ipsec df-bit}, default copy
 * @param sa                  global {@code crypto ipsec security-association …}, every component set
 * @param ikev2Dpd            global {@code crypto ikev2 dpd}, null when unset
 * @param fragmentation       global {@code crypto ipsec fragmentation}, default before-encryption
 * @param cryptoMapLocalAddress {@code crypto map NAME local-address INTERFACE}: map name to interface name
 * @param complianceShieldDisabled {@code crypto engine compliance shield disable}: DES, 3DES, MD5 and DH
 *                            groups 1, 2, 5 are configurable (IOS XE 17.11.1+, Cisco Field Notice FN72510)
 * @param pkiTrustpoints      {@code crypto pki trustpoint} with the CA certificates of its certificate chain
 * @param isakmpIdentity      {@code crypto isakmp identity address|hostname}, null for the default (address)
 * @param hostname            {@code hostname NAME}, null when unset
 * @param domainName          {@code ip domain name NAME}, null when unset
 * @param isakmpProfiles      {@code crypto isakmp profile}
 * @param isakmpPeers         {@code crypto isakmp peer address} with their {@code set aggressive-mode …} settings
 * @param aggressiveModeDisabled {@code crypto isakmp aggressive-mode disable}: Aggressive Mode is refused
 * @param dynamicMaps         the entries of {@code crypto dynamic-map NAME SEQ} (templates a static entry's
 *                            {@code ipsec-isakmp dynamic NAME} refers to), sorted by name and sequence
 * @param ikev2Fragmentation  {@code crypto ikev2 fragmentation [mtu N]} (RFC 7383), null when off (the IOS default)
 * @param ipsecProfiles       {@code crypto ipsec profile NAME}, the IPsec parameters of tunnel interfaces
 * @param staticRoutes        {@code ip route …} in configuration order; those into a tunnel interface steer traffic
 *                            into its SAs
 */
@Authenticated
public record GatewayConfig(
    List<IsakmpPolicy> isakmpPolicies,
    List<IsakmpKey> isakmpKeys,
    IsakmpKeepalive isakmpKeepalive,
    Integer natKeepaliveSeconds,
    boolean invalidSpiRecovery,
    boolean natTransparency,
    DfBit dfBit,
    SaSettings sa,
    List<TransformSet> transformSets,
    List<CryptoMapEntry> cryptoMaps,
    List<AccessList> accessLists,
    List<InterfaceConfig> interfaces,
    List<EzvpnClient> ezvpnClients,
    List<Ikev2Proposal> ikev2Proposals,
    List<Ikev2Policy> ikev2Policies,
    List<Ikev2Keyring> ikev2Keyrings,
    List<Ikev2Profile> ikev2Profiles,
    Ikev2Dpd ikev2Dpd,
    Fragmentation fragmentation,
    boolean complianceShieldDisabled,
    java.util.Map<String, String> cryptoMapLocalAddress,
    List<PkiTrustpoint> pkiTrustpoints,
    String isakmpIdentity,
    String hostname,
    String domainName,
    List<IsakmpProfile> isakmpProfiles,
    List<IsakmpPeer> isakmpPeers,
    boolean aggressiveModeDisabled,
    List<CryptoMapEntry> dynamicMaps,
    Ikev2Fragmentation ikev2Fragmentation,
    List<IpsecProfile> ipsecProfiles,
    List<StaticRoute> staticRoutes) {

  /**
   * The Child SAs of a tunnel interface carry its name as {@code cryptoMap} and this as their map sequence: no
   * crypto map entry has it (their numbers are 1–65535), so a tunnel's SAs never mix with a map's.
   */
  public static final int TUNNEL_SEQUENCE = 0;

  public GatewayConfig {
    fragmentation = fragmentation == null ? Fragmentation.BEFORE_ENCRYPTION : fragmentation;
    isakmpPolicies = List.copyOf(isakmpPolicies);
    isakmpKeys = List.copyOf(isakmpKeys);
    dfBit = dfBit == null ? DfBit.COPY : dfBit;
    sa = sa == null ? SaSettings.DEFAULTS : sa.orElse(SaSettings.DEFAULTS);
    transformSets = List.copyOf(transformSets);
    cryptoMaps = List.copyOf(cryptoMaps);
    accessLists = List.copyOf(accessLists);
    interfaces = List.copyOf(interfaces);
    ezvpnClients = List.copyOf(ezvpnClients);
    ikev2Proposals = List.copyOf(ikev2Proposals);
    ikev2Policies = List.copyOf(ikev2Policies);
    ikev2Keyrings = List.copyOf(ikev2Keyrings);
    ikev2Profiles = List.copyOf(ikev2Profiles);
    cryptoMapLocalAddress = cryptoMapLocalAddress == null ? java.util.Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(cryptoMapLocalAddress));
    pkiTrustpoints = pkiTrustpoints == null ? List.of() : List.copyOf(pkiTrustpoints);
    isakmpProfiles = isakmpProfiles == null ? List.of() : List.copyOf(isakmpProfiles);
    isakmpPeers = isakmpPeers == null ? List.of() : List.copyOf(isakmpPeers);
    dynamicMaps = dynamicMaps == null ? List.of() : dynamicMaps.stream()
        .sorted(Comparator.comparing(CryptoMapEntry::name).thenComparingInt(CryptoMapEntry::seq)).toList();
    ipsecProfiles = ipsecProfiles == null ? List.of() : List.copyOf(ipsecProfiles);
    staticRoutes = staticRoutes == null ? List.of() : List.copyOf(staticRoutes);
  }

  /** The entries of {@code crypto dynamic-map NAME}, by sequence number. */
  public List<CryptoMapEntry> dynamicMap(String name) {
    return dynamicMaps.stream()
        .filter(e -> e.name().equals(name))
        .sorted(Comparator.comparingInt(CryptoMapEntry::seq))
        .toList();
  }

  public IpsecProfile ipsecProfile(String name) {
    return ipsecProfiles.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** The static IPsec virtual tunnel interfaces ({@code tunnel mode ipsec ipv4} with {@code tunnel protection}). */
  public List<InterfaceConfig> ipsecTunnels() {
    return interfaces.stream().filter(InterfaceConfig::ipsecVti).toList();
  }

  /** Whether this Child SA key ({@code cryptoMap}, {@code seq}) belongs to a tunnel interface rather than a crypto map. */
  public InterfaceConfig tunnelOf(String cryptoMap, int seq) {
    if (seq != TUNNEL_SEQUENCE || cryptoMap == null) {
      return null;
    }
    InterfaceConfig i = interfaceNamed(cryptoMap);
    return i != null && i.ipsecVti() ? i : null;
  }

  /**
   * The local address of a tunnel interface's SAs: {@code tunnel source ADDRESS}, or the address of the
   * {@code tunnel source INTERFACE} — its {@code ipv6 address} for a {@code tunnel mode ipsec ipv6} tunnel (IPv6
   * outside, as on IOS), else its {@code ip address}; null when neither gives one.
   */
  public String tunnelSourceAddress(InterfaceConfig tunnel) {
    String source = tunnel.tunnel() == null ? null : tunnel.tunnel().source();
    if (source == null) {
      return null;
    }
    if (Ipv4.isAddress(source)) {
      return source;
    }
    if (Ipv6.looksLike(source)) {
      return Ipv6.canonical(source);
    }
    InterfaceConfig i = interfaceNamed(source);
    if (i == null) {
      return null;
    }
    return tunnel.tunnel().carriesIpv6() ? i.ipv6AddressOnly() : i.ipAddress();
  }

  /**
   * The physical interface a tunnel interface's ESP leaves by: its {@code tunnel source INTERFACE}, else the
   * interface carrying the {@code tunnel source ADDRESS}; null when none is configured.
   */
  public InterfaceConfig tunnelSourceInterface(InterfaceConfig tunnel) {
    String source = tunnel.tunnel() == null ? null : tunnel.tunnel().source();
    if (source == null) {
      return null;
    }
    if (!Ipv4.isAddress(source) && !Ipv6.looksLike(source)) {
      return interfaceNamed(source);
    }
    return interfaces.stream().filter(i -> (source.equals(i.ipAddress()) || source.equals(i.ipv6AddressOnly()))
        && i.tunnel() == null).findFirst().orElse(null);
  }

  /** The {@code crypto isakmp peer address} entry of this peer, or null. */
  public IsakmpPeer isakmpPeer(String address) {
    return isakmpPeers.stream().filter(p -> p.address().equals(address)).findFirst().orElse(null);
  }

  /** A configuration with nothing configured: every global setting at its IOS default. */
  public static GatewayConfig empty() {
    return builder().build();
  }

  /** A configuration built setting by setting, from {@link #empty()}'s defaults. */
  public static GatewayConfigBuilder builder() {
    return new GatewayConfigBuilder();
  }

  /** A builder holding every setting of this configuration, to derive another configuration from it. */
  public GatewayConfigBuilder toBuilder() {
    return new GatewayConfigBuilder(this);
  }

  /** The canonical {@code show running-config} text. */
  public String render() {
    return RunningConfigWriter.write(this);
  }

  /**
   * The {@code show running-config} text as it leaves config-service: every secret as IOS type 6,
   * sealed under the process's KEK ({@link RunningConfigWriter#writeSealed}).
   */
  public String renderSealed() {
    return RunningConfigWriter.writeSealed(this,
        io.ipsecmesh.proto.kek.SecretBox.of(RunningConfigWriter.TYPE6_PURPOSE));
  }

  /** Same as {@link #render()}. */
  public String runningConfig() {
    return render();
  }

  /** The entries of crypto map set {@code name}, by ascending sequence number; empty if none. */
  public List<CryptoMapEntry> cryptoMap(String name) {
    return cryptoMaps.stream()
        .filter(e -> e.name().equals(name))
        .sorted(Comparator.comparingInt(CryptoMapEntry::seq))
        .toList();
  }

  public CryptoMapEntry cryptoMapEntry(String name, int seq) {
    return cryptoMaps.stream().filter(e -> e.name().equals(name) && e.seq() == seq).findFirst().orElse(null);
  }

  public TransformSet transformSet(String name) {
    return transformSets.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  /** The access list by number ("101") or name, or null. */
  public AccessList accessList(String name) {
    return accessLists.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }

  public InterfaceConfig interfaceNamed(String name) {
    return interfaces.stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
  }

  public EzvpnClient ezvpnClient(String name) {
    return ezvpnClients.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  public Ikev2Profile ikev2Profile(String name) {
    return ikev2Profiles.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  public Ikev2Keyring ikev2Keyring(String name) {
    return ikev2Keyrings.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
  }

  public PkiTrustpoint pkiTrustpoint(String name) {
    return pkiTrustpoints.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  public IsakmpProfile isakmpProfile(String name) {
    return isakmpProfiles.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** The name {@code crypto isakmp identity hostname} sends: {@code hostname}.{@code ip domain name}. */
  public String fullHostname() {
    if (hostname == null) {
      return null;
    }
    return domainName == null ? hostname : hostname + "." + domainName;
  }

  public Ikev2Proposal ikev2Proposal(String name) {
    return ikev2Proposals.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** The pre-shared key of {@code crypto isakmp key} for a peer address: the most specific mask wins. */
  public IsakmpKey isakmpKeyFor(String peerAddress) {
    return isakmpKeys.stream()
        .filter(k -> k.matches(peerAddress))
        .max(Comparator.comparingLong(k -> k.ipv6() ? (k.mask() == null ? 128 : Integer.parseInt(k.mask()))
            : Long.bitCount(k.mask() == null ? 0xFFFF_FFFFL : Ipv4.toLong(k.mask()))))
        .orElse(null);
  }

  /** The DF-bit setting of tunnels leaving {@code interfaceName}: the interface's own setting wins over the global one. */
  public DfBit effectiveDfBit(String interfaceName) {
    InterfaceConfig i = interfaceNamed(interfaceName);
    return i != null && i.dfBit() != null ? i.dfBit() : dfBit;
  }

  /** Where tunnels leaving {@code interfaceName} fragment: the interface's own setting wins over the global one. */
  public Fragmentation effectiveFragmentation(String interfaceName) {
    InterfaceConfig i = interfaceNamed(interfaceName);
    return i != null && i.fragmentation() != null ? i.fragmentation() : fragmentation;
  }

  /** The security-association settings SAs of this crypto map entry run with: its own, else the global ones. */
  public SaSettings effectiveSa(CryptoMapEntry entry) {
    return entry.sa().orElse(sa);
  }

  /** The IKEv2 DPD of a profile: its own {@code dpd}, else the global {@code crypto ikev2 dpd}, else null (off). */
  public Ikev2Dpd effectiveDpd(Ikev2Profile profile) {
    return profile != null && profile.dpd() != null ? profile.dpd() : ikev2Dpd;
  }

  /**
   * The interface whose address tunnels of crypto map {@code name} use as their local address: the one of
   * {@code crypto map NAME local-address INTERFACE}, else the first interface with the map applied, else null.
   */
  public InterfaceConfig localInterface(String name) {
    String named = cryptoMapLocalAddress.get(name);
    if (named != null && interfaceNamed(named) != null) {
      return interfaceNamed(named);
    }
    return interfacesWithCryptoMap(name).stream().findFirst().orElse(null);
  }

  /** Interfaces with {@code crypto map name} or {@code ipv6 crypto map name} applied. */
  public List<InterfaceConfig> interfacesWithCryptoMap(String name) {
    return interfaces.stream().filter(i -> i.carriesCryptoMap(name)).toList();
  }

  /**
   * The local address of crypto map {@code name}'s tunnels to {@code peer}: the address of {@link #localInterface}
   * of the peer's family (an IPv6 peer is reached from the interface's {@code ipv6 address}), else null.
   */
  public String localAddress(String name, String peer) {
    InterfaceConfig i = localInterface(name);
    if (i == null) {
      return null;
    }
    if (peer != null && Ipv6.looksLike(peer)) {
      return i.ipv6AddressOnly();
    }
    if (peer != null && Ipv4.isAddress(peer)) {
      return i.ipAddress();
    }
    // no peer to go by: the map's own family (applied with ipv6 crypto map only: IPv6)
    return name.equals(i.ipv6CryptoMap()) && !name.equals(i.cryptoMap()) ? i.ipv6AddressOnly() : i.ipAddress();
  }
}

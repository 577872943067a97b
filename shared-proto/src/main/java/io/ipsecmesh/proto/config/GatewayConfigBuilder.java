package io.ipsecmesh.proto.config;

import java.util.List;
import java.util.Map;

/**
 * Builds a {@link GatewayConfig} setting by setting: what is not set stays at its IOS default, as in
 * {@link GatewayConfig#empty()}, and the record's constructor validates and copies the result as it does any other.
 * Tests and the parser name only the settings they configure; {@link GatewayConfig#toBuilder()} derives one
 * configuration from another.
 */
public final class GatewayConfigBuilder {

  private List<IsakmpPolicy> isakmpPolicies = List.of();
  private List<IsakmpKey> isakmpKeys = List.of();
  private IsakmpKeepalive isakmpKeepalive = null;
  private Integer natKeepaliveSeconds = null;
  private boolean invalidSpiRecovery = false;
  private boolean natTransparency = true;
  private DfBit dfBit = DfBit.COPY;
  private SaSettings sa = SaSettings.DEFAULTS;
  private List<TransformSet> transformSets = List.of();
  private List<CryptoMapEntry> cryptoMaps = List.of();
  private List<AccessList> accessLists = List.of();
  private List<InterfaceConfig> interfaces = List.of();
  private List<EzvpnClient> ezvpnClients = List.of();
  private List<Ikev2Proposal> ikev2Proposals = List.of();
  private List<Ikev2Policy> ikev2Policies = List.of();
  private List<Ikev2Keyring> ikev2Keyrings = List.of();
  private List<Ikev2Profile> ikev2Profiles = List.of();
  private Ikev2Dpd ikev2Dpd = null;
  private Fragmentation fragmentation = Fragmentation.BEFORE_ENCRYPTION;
  private boolean complianceShieldDisabled = false;
  private Map<String, String> cryptoMapLocalAddress = Map.of();
  private List<PkiTrustpoint> pkiTrustpoints = List.of();
  private String isakmpIdentity = null;
  private String hostname = null;
  private String domainName = null;
  private List<IsakmpProfile> isakmpProfiles = List.of();
  private List<IsakmpPeer> isakmpPeers = List.of();
  private boolean aggressiveModeDisabled = false;
  private List<CryptoMapEntry> dynamicMaps = List.of();
  private Ikev2Fragmentation ikev2Fragmentation = null;
  private List<IpsecProfile> ipsecProfiles = List.of();
  private List<StaticRoute> staticRoutes = List.of();

  GatewayConfigBuilder() {}

  GatewayConfigBuilder(GatewayConfig c) {
    isakmpPolicies = c.isakmpPolicies();
    isakmpKeys = c.isakmpKeys();
    isakmpKeepalive = c.isakmpKeepalive();
    natKeepaliveSeconds = c.natKeepaliveSeconds();
    invalidSpiRecovery = c.invalidSpiRecovery();
    natTransparency = c.natTransparency();
    dfBit = c.dfBit();
    sa = c.sa();
    transformSets = c.transformSets();
    cryptoMaps = c.cryptoMaps();
    accessLists = c.accessLists();
    interfaces = c.interfaces();
    ezvpnClients = c.ezvpnClients();
    ikev2Proposals = c.ikev2Proposals();
    ikev2Policies = c.ikev2Policies();
    ikev2Keyrings = c.ikev2Keyrings();
    ikev2Profiles = c.ikev2Profiles();
    ikev2Dpd = c.ikev2Dpd();
    fragmentation = c.fragmentation();
    complianceShieldDisabled = c.complianceShieldDisabled();
    cryptoMapLocalAddress = c.cryptoMapLocalAddress();
    pkiTrustpoints = c.pkiTrustpoints();
    isakmpIdentity = c.isakmpIdentity();
    hostname = c.hostname();
    domainName = c.domainName();
    isakmpProfiles = c.isakmpProfiles();
    isakmpPeers = c.isakmpPeers();
    aggressiveModeDisabled = c.aggressiveModeDisabled();
    dynamicMaps = c.dynamicMaps();
    ikev2Fragmentation = c.ikev2Fragmentation();
    ipsecProfiles = c.ipsecProfiles();
    staticRoutes = c.staticRoutes();
  }

  public GatewayConfigBuilder isakmpPolicies(List<IsakmpPolicy> isakmpPolicies) {
    this.isakmpPolicies = isakmpPolicies;
    return this;
  }

  public GatewayConfigBuilder isakmpKeys(List<IsakmpKey> isakmpKeys) {
    this.isakmpKeys = isakmpKeys;
    return this;
  }

  public GatewayConfigBuilder isakmpKeepalive(IsakmpKeepalive isakmpKeepalive) {
    this.isakmpKeepalive = isakmpKeepalive;
    return this;
  }

  public GatewayConfigBuilder natKeepaliveSeconds(Integer natKeepaliveSeconds) {
    this.natKeepaliveSeconds = natKeepaliveSeconds;
    return this;
  }

  public GatewayConfigBuilder invalidSpiRecovery(boolean invalidSpiRecovery) {
    this.invalidSpiRecovery = invalidSpiRecovery;
    return this;
  }

  public GatewayConfigBuilder natTransparency(boolean natTransparency) {
    this.natTransparency = natTransparency;
    return this;
  }

  public GatewayConfigBuilder dfBit(DfBit dfBit) {
    this.dfBit = dfBit;
    return this;
  }

  public GatewayConfigBuilder sa(SaSettings sa) {
    this.sa = sa;
    return this;
  }

  public GatewayConfigBuilder transformSets(List<TransformSet> transformSets) {
    this.transformSets = transformSets;
    return this;
  }

  public GatewayConfigBuilder cryptoMaps(List<CryptoMapEntry> cryptoMaps) {
    this.cryptoMaps = cryptoMaps;
    return this;
  }

  public GatewayConfigBuilder accessLists(List<AccessList> accessLists) {
    this.accessLists = accessLists;
    return this;
  }

  public GatewayConfigBuilder interfaces(List<InterfaceConfig> interfaces) {
    this.interfaces = interfaces;
    return this;
  }

  public GatewayConfigBuilder ezvpnClients(List<EzvpnClient> ezvpnClients) {
    this.ezvpnClients = ezvpnClients;
    return this;
  }

  public GatewayConfigBuilder ikev2Proposals(List<Ikev2Proposal> ikev2Proposals) {
    this.ikev2Proposals = ikev2Proposals;
    return this;
  }

  public GatewayConfigBuilder ikev2Policies(List<Ikev2Policy> ikev2Policies) {
    this.ikev2Policies = ikev2Policies;
    return this;
  }

  public GatewayConfigBuilder ikev2Keyrings(List<Ikev2Keyring> ikev2Keyrings) {
    this.ikev2Keyrings = ikev2Keyrings;
    return this;
  }

  public GatewayConfigBuilder ikev2Profiles(List<Ikev2Profile> ikev2Profiles) {
    this.ikev2Profiles = ikev2Profiles;
    return this;
  }

  public GatewayConfigBuilder ikev2Dpd(Ikev2Dpd ikev2Dpd) {
    this.ikev2Dpd = ikev2Dpd;
    return this;
  }

  public GatewayConfigBuilder fragmentation(Fragmentation fragmentation) {
    this.fragmentation = fragmentation;
    return this;
  }

  public GatewayConfigBuilder complianceShieldDisabled(boolean complianceShieldDisabled) {
    this.complianceShieldDisabled = complianceShieldDisabled;
    return this;
  }

  public GatewayConfigBuilder cryptoMapLocalAddress(Map<String, String> cryptoMapLocalAddress) {
    this.cryptoMapLocalAddress = cryptoMapLocalAddress;
    return this;
  }

  public GatewayConfigBuilder pkiTrustpoints(List<PkiTrustpoint> pkiTrustpoints) {
    this.pkiTrustpoints = pkiTrustpoints;
    return this;
  }

  public GatewayConfigBuilder isakmpIdentity(String isakmpIdentity) {
    this.isakmpIdentity = isakmpIdentity;
    return this;
  }

  public GatewayConfigBuilder hostname(String hostname) {
    this.hostname = hostname;
    return this;
  }

  public GatewayConfigBuilder domainName(String domainName) {
    this.domainName = domainName;
    return this;
  }

  public GatewayConfigBuilder isakmpProfiles(List<IsakmpProfile> isakmpProfiles) {
    this.isakmpProfiles = isakmpProfiles;
    return this;
  }

  public GatewayConfigBuilder isakmpPeers(List<IsakmpPeer> isakmpPeers) {
    this.isakmpPeers = isakmpPeers;
    return this;
  }

  public GatewayConfigBuilder aggressiveModeDisabled(boolean aggressiveModeDisabled) {
    this.aggressiveModeDisabled = aggressiveModeDisabled;
    return this;
  }

  public GatewayConfigBuilder dynamicMaps(List<CryptoMapEntry> dynamicMaps) {
    this.dynamicMaps = dynamicMaps;
    return this;
  }

  public GatewayConfigBuilder ikev2Fragmentation(Ikev2Fragmentation ikev2Fragmentation) {
    this.ikev2Fragmentation = ikev2Fragmentation;
    return this;
  }

  public GatewayConfigBuilder ipsecProfiles(List<IpsecProfile> ipsecProfiles) {
    this.ipsecProfiles = ipsecProfiles;
    return this;
  }

  public GatewayConfigBuilder staticRoutes(List<StaticRoute> staticRoutes) {
    this.staticRoutes = staticRoutes;
    return this;
  }

  public GatewayConfig build() {
    return new GatewayConfig(isakmpPolicies, isakmpKeys, isakmpKeepalive, natKeepaliveSeconds, invalidSpiRecovery,
        natTransparency, dfBit, sa, transformSets, cryptoMaps, accessLists, interfaces, ezvpnClients, ikev2Proposals,
        ikev2Policies, ikev2Keyrings, ikev2Profiles, ikev2Dpd, fragmentation, complianceShieldDisabled,
        cryptoMapLocalAddress, pkiTrustpoints, isakmpIdentity, hostname, domainName, isakmpProfiles, isakmpPeers,
        aggressiveModeDisabled, dynamicMaps, ikev2Fragmentation, ipsecProfiles, staticRoutes);
  }
}

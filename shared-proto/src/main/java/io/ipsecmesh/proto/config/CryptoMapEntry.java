package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * One entry of a crypto map set: {@code crypto map NAME SEQ ipsec-isakmp|ipsec-manual} with its
 * {@code set …} and {@code match address} lines.
 *
 * @param peers          {@code set peer} lines in order: the first is preferred, the next ones are the
 *                       failover list DPD walks through
 * @param transformSets  {@code set transform-set} names, in order of preference
 * @param sa             per-map overrides of the global security-association settings (null = inherit)
 * @param pfsGroup       {@code set pfs groupN}, null without PFS
 * @param matchAddress   the access list that selects the protected traffic (name or number), or null
 * @param ikev2Profile   {@code set ikev2-profile}, null for IKEv1
 * @param inboundEsp     {@code set session-key inbound esp …}, ipsec-manual only
 * @param outboundEsp    {@code set session-key outbound esp …}, ipsec-manual only
 * @param dynamicPeers   the host names of {@code peers} given as {@code set peer HOST dynamic}: resolved again
 *                       at every connection attempt instead of once when the configuration is applied
 * @param dynamicMap     {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}: the dynamic crypto map set this entry
 *                       stands for (its peers are whoever authenticates, responder only), null for a static entry;
 *                       the entries of {@code crypto dynamic-map DYN SEQ} are {@link GatewayConfig#dynamicMaps()}
 */
public record CryptoMapEntry(
    String name,
    int seq,
    Keying keying,
    List<String> peers,
    List<String> transformSets,
    SaSettings sa,
    Integer pfsGroup,
    String matchAddress,
    String ikev2Profile,
    SessionKey inboundEsp,
    SessionKey outboundEsp,
    String isakmpProfile,
    List<String> dynamicPeers,
    String dynamicMap) {

  /** A static entry ({@code set peer} lines, no {@code dynamic DYN}). */
  public CryptoMapEntry(String name, int seq, Keying keying, List<String> peers, List<String> transformSets,
      SaSettings sa, Integer pfsGroup, String matchAddress, String ikev2Profile, SessionKey inboundEsp,
      SessionKey outboundEsp, String isakmpProfile, List<String> dynamicPeers) {
    this(name, seq, keying, peers, transformSets, sa, pfsGroup, matchAddress, ikev2Profile, inboundEsp, outboundEsp,
        isakmpProfile, dynamicPeers, null);
  }

  /** An entry without {@code set peer HOST dynamic}. */
  public CryptoMapEntry(String name, int seq, Keying keying, List<String> peers, List<String> transformSets,
      SaSettings sa, Integer pfsGroup, String matchAddress, String ikev2Profile, SessionKey inboundEsp,
      SessionKey outboundEsp, String isakmpProfile) {
    this(name, seq, keying, peers, transformSets, sa, pfsGroup, matchAddress, ikev2Profile, inboundEsp, outboundEsp,
        isakmpProfile, List.of());
  }

  /** An entry without {@code set isakmp-profile}. */
  public CryptoMapEntry(String name, int seq, Keying keying, List<String> peers, List<String> transformSets,
      SaSettings sa, Integer pfsGroup, String matchAddress, String ikev2Profile, SessionKey inboundEsp,
      SessionKey outboundEsp) {
    this(name, seq, keying, peers, transformSets, sa, pfsGroup, matchAddress, ikev2Profile, inboundEsp, outboundEsp,
        null);
  }

  public enum Keying {
    IPSEC_ISAKMP,
    IPSEC_MANUAL;

    public String keyword() {
      return this == IPSEC_ISAKMP ? "ipsec-isakmp" : "ipsec-manual";
    }
  }

  public CryptoMapEntry {
    peers = List.copyOf(peers);
    transformSets = List.copyOf(transformSets);
    dynamicPeers = dynamicPeers == null ? List.of() : List.copyOf(dynamicPeers);
    sa = sa == null ? SaSettings.INHERIT : sa;
  }

  /** Whether {@code peer} was given as {@code set peer HOST dynamic}. */
  public boolean dynamicPeer(String peer) {
    return dynamicPeers.contains(peer);
  }
}

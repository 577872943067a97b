package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;

/**
 * Everything the IKEv1 engine needs for one peer of one {@code crypto map … ipsec-isakmp} entry: the
 * {@code crypto isakmp policy} suites in priority order, the {@code crypto isakmp key} for the peer,
 * the transform sets, the ACL as selectors and the SA settings.
 *
 * @param localId        our phase-1 identity (ID_ii / ID_ir)
 * @param remote         the identities the peer may present (its {@code set isakmp-profile}'s {@code match identity},
 *                       else its address or the host of its {@code crypto isakmp key … hostname}); pre-shared keys
 * @param pfsGroup       {@code set pfs}: the Quick Mode DH group (RFC 2409 §5.5 KE), null without PFS
 * @param localSelectors our side of the protected traffic; Quick Mode carries the first one as IDci/IDcr
 * @param aggressive     initiate with Aggressive Mode (RFC 2409 §5.4) instead of Main Mode: the peer's {@code
 *                       crypto isakmp peer} has {@code set aggressive-mode client-endpoint}, or an Easy VPN remote
 * @param xauth          the Easy VPN remote's XAUTH credentials and Mode Config request
 *                       (draft-ietf-ipsec-isakmp-xauth, draft-dukes-ike-mode-cfg); null for a site-to-site peer
 * @param peerHost       the host name of {@code set peer HOST [dynamic]} (or of an Easy VPN {@code peer HOST}), null
 *                       for an address peer; then {@code peerAddress} is what it resolved to last, or
 *                       {@link io.ipsecmesh.ike.policy.PeerPolicy#UNRESOLVED}
 * @param resolveEachAttempt {@code set peer HOST dynamic}, and every Easy VPN {@code peer HOST}: {@code Ikev1Service}
 *                       resolves the name again before every attempt ({@link io.ipsecmesh.ike.policy.SetPeers})
 */
public record Ikev1Policy(
    String cryptoMap,
    int mapSequence,
    String peerAddress,
    String localAddress,
    Identity localId,
    io.ipsecmesh.ike.policy.PeerAuthorization remote,
    byte[] psk,
    List<Ikev1Suite> suites,
    List<EspTransform> espTransforms,
    DhGroup pfsGroup,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    ChildSa.Mode mode,
    int replayWindow,
    long lifetimeSeconds,
    long lifetimeKilobytes,
    int idleTimeSeconds,
    String dfBit,
    boolean aggressive,
    EasyVpnClient xauth,
    String peerHost,
    boolean resolveEachAttempt) implements io.ipsecmesh.ike.policy.SetPeer {

  /** A policy for a peer given by address. */
  public Ikev1Policy(String cryptoMap, int mapSequence, String peerAddress, String localAddress, Identity localId,
      io.ipsecmesh.ike.policy.PeerAuthorization remote, byte[] psk, List<Ikev1Suite> suites,
      List<EspTransform> espTransforms, DhGroup pfsGroup, List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors, ChildSa.Mode mode, int replayWindow, long lifetimeSeconds,
      long lifetimeKilobytes, int idleTimeSeconds, String dfBit, boolean aggressive, EasyVpnClient xauth) {
    this(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, suites, espTransforms, pfsGroup,
        localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds, lifetimeKilobytes, idleTimeSeconds,
        dfBit, aggressive, xauth, null, false);
  }

  /** This policy for the peer given by host name {@code host}, resolved again before every attempt or not. */
  public Ikev1Policy withPeerHost(String host, boolean eachAttempt) {
    return new Ikev1Policy(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, suites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, aggressive, xauth, host, eachAttempt);
  }

  /** A Main Mode site-to-site policy. */
  public Ikev1Policy(String cryptoMap, int mapSequence, String peerAddress, String localAddress, Identity localId,
      io.ipsecmesh.ike.policy.PeerAuthorization remote, byte[] psk, List<Ikev1Suite> suites,
      List<EspTransform> espTransforms, DhGroup pfsGroup, List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors, ChildSa.Mode mode, int replayWindow, long lifetimeSeconds,
      long lifetimeKilobytes, int idleTimeSeconds, String dfBit) {
    this(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, suites, espTransforms, pfsGroup,
        localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds, lifetimeKilobytes, idleTimeSeconds,
        dfBit, false, null);
  }

  /** The same policy, initiated with Aggressive Mode ({@code true}) or Main Mode. */
  public Ikev1Policy withAggressive(boolean on) {
    return new Ikev1Policy(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, suites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, on, xauth, peerHost, resolveEachAttempt);
  }

  /**
   * A dynamic crypto map's template ({@link Ikev1Template}) bound to the peer that started Main Mode with us and the
   * key found for its address: a Main Mode responder's policy like any other from here on.
   */
  public Ikev1Policy boundTo(String peer, byte[] key) {
    return new Ikev1Policy(cryptoMap, mapSequence, peer, localAddress, localId, remote, key, suites, espTransforms,
        pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds, lifetimeKilobytes,
        idleTimeSeconds, dfBit, false, null);
  }

  /**
   * An Easy VPN remote's side of XAUTH and Mode Config: the user name and password it answers the server's
   * XAUTH request with ({@code username}/{@code password} of {@code crypto ipsec client ezvpn}, IOS's
   * {@code xauth userid mode local}), and the name its {@code show crypto ipsec client ezvpn} row carries.
   *
   * @param networkExtension {@code mode network-extension} or {@code network-plus}: Quick Mode protects the inside
   *                         network (the policy's local selector) instead of the assigned address, and nothing is
   *                         translated (Cisco Easy VPN Remote, "Network Extension Mode")
   * @param networkPlus      {@code mode network-plus} ("Network Extension Plus Mode"): as network-extension, and the
   *                         remote also requires an address from Mode Config and protects it in a second Quick Mode
   *                         (the address IOS puts on a loopback, so the remote itself can be reached through the
   *                         tunnel)
   */
  public record EasyVpnClient(String name, String username, byte[] password, boolean networkExtension,
      boolean networkPlus) {

    /** A client-mode remote. */
    public EasyVpnClient(String name, String username, byte[] password) {
      this(name, username, password, false);
    }

    /** A client or network-extension remote, its peer given by address. */
    public EasyVpnClient(String name, String username, byte[] password, boolean networkExtension) {
      this(name, username, password, networkExtension, false);
    }

    @Override
    public String toString() {
      return "EasyVpnClient[" + name + (networkPlus ? ", network-plus" : networkExtension ? ", network-extension"
          : ", client") + ", username=" + username
          + ", password=<redacted>]";
    }
  }

  /** The same policy bound to {@code address}, what its host name resolves to now. */
  public Ikev1Policy withPeerAddress(String address) {
    return new Ikev1Policy(cryptoMap, mapSequence, address, localAddress, localId, remote, psk, suites, espTransforms,
        pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds, lifetimeKilobytes,
        idleTimeSeconds, dfBit, aggressive, xauth, peerHost, resolveEachAttempt);
  }

  public Ikev1Policy {
    if (remote == null) {
      throw new IllegalArgumentException("an IKEv1 policy needs the identities its peer may present");
    }
    suites = List.copyOf(suites);
    espTransforms = List.copyOf(espTransforms);
    localSelectors = List.copyOf(localSelectors);
    remoteSelectors = List.copyOf(remoteSelectors);
    if (suites.isEmpty() || espTransforms.isEmpty() || localSelectors.isEmpty() || remoteSelectors.isEmpty()) {
      throw new IllegalArgumentException("an IKEv1 policy needs isakmp suites, transforms and selectors");
    }
  }

  /** A phase-1 identity: RFC 2407 §4.6.2.1 ID type (IPV4_ADDR, FQDN, USER_FQDN, KEY_ID) and its text. */
  public record Identity(int idType, String value) {}

  /** Never the pre-shared key: records print every component, and policies end up in logs and exceptions. */
  @Override
  public String toString() {
    return "Ikev1Policy[crypto map " + cryptoMap + " " + mapSequence + ", peer "
        + (peerHost == null ? "" : peerHost + (resolveEachAttempt ? " dynamic " : " ") + "= ") + peerAddress + ", local "
        + localAddress + (aggressive ? ", aggressive" : "") + (xauth != null ? ", ezvpn " + xauth.name() : "")
        + ", psk=<redacted>]";
  }
}

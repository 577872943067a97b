package io.ipsecmesh.ike.policy;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;

/**
 * Everything ike-service needs to negotiate with one peer of one crypto map entry, resolved from the
 * configuration (crypto map, transform sets, ACL, isakmp key / ikev2 keyring and proposals).
 *
 * @param localId        our identity (IDi/IDr), see {@link Identity}
 * @param remote         what the peer must prove: an identity the profile's {@code match identity remote}
 *                       accepts, by the profile's {@code authentication remote} method (RFC 7296 §2.15)
 * @param psk            pre-shared key of the keyring peer found by address (local signing key; RFC 7296 allows
 *                       different keys per direction, IOS keyrings too: {@code remotePsk} verifies the peer);
 *                       null when the peer is found by identity only ({@link PeerAuthorization#identityKeys()})
 * @param localSelectors our side of the protected traffic (ACL source), in ACL order
 * @param pfsGroup       {@code set pfs}, null without PFS (used for CREATE_CHILD_SA)
 * @param credentials    certificate, key and CAs for signature authentication (RFC 7427) both ways;
 *                       null for pre-shared keys
 * @param peerHost       the host name of {@code set peer HOST [dynamic]}, null for an address peer; then
 *                       {@code peerAddress} is what it resolved to when the configuration was applied, or
 *                       {@link #UNRESOLVED} until it is bound to an attempt ({@code resolveEachAttempt})
 * @param resolveEachAttempt {@code set peer HOST dynamic}: {@link PolicyStore} resolves the name again for every
 *                       connection attempt and every request from the peer
 * @param anyPeer        a dynamic crypto map's template ({@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}): any
 *                       peer that authenticates through the profile, as responder only; {@link PolicyStore} binds it
 *                       to the requesting address and never offers it for an ACQUIRE
 */
public record PeerPolicy(
    String cryptoMap,
    int mapSequence,
    String peerAddress,
    String localAddress,
    Identity localId,
    PeerAuthorization remote,
    byte[] psk,
    byte[] remotePsk,
    List<IkeSuite> ikeSuites,
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
    long ikeLifetimeSeconds,
    Credentials credentials,
    String peerHost,
    boolean resolveEachAttempt,
    boolean anyPeer) implements SetPeer {

  /** A policy for named peers (not a dynamic crypto map's). */
  public PeerPolicy(String cryptoMap, int mapSequence, String peerAddress, String localAddress, Identity localId,
      PeerAuthorization remote, byte[] psk, byte[] remotePsk, List<IkeSuite> ikeSuites, List<EspTransform> espTransforms,
      DhGroup pfsGroup, List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors, ChildSa.Mode mode,
      int replayWindow, long lifetimeSeconds, long lifetimeKilobytes, int idleTimeSeconds, String dfBit,
      long ikeLifetimeSeconds, Credentials credentials, String peerHost, boolean resolveEachAttempt) {
    this(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, remotePsk, ikeSuites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, ikeLifetimeSeconds, credentials, peerHost, resolveEachAttempt, false);
  }

  /** The address of a {@code dynamic} host peer before it is resolved for an attempt: matches no datagram. */
  public static final String UNRESOLVED = "0.0.0.0";

  /** An address peer (no host name). */
  public PeerPolicy(String cryptoMap, int mapSequence, String peerAddress, String localAddress, Identity localId,
      PeerAuthorization remote, byte[] psk, byte[] remotePsk, List<IkeSuite> ikeSuites, List<EspTransform> espTransforms,
      DhGroup pfsGroup, List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors, ChildSa.Mode mode,
      int replayWindow, long lifetimeSeconds, long lifetimeKilobytes, int idleTimeSeconds, String dfBit,
      long ikeLifetimeSeconds, Credentials credentials) {
    this(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, remotePsk, ikeSuites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, ikeLifetimeSeconds, credentials, null, false);
  }

  /** Pre-shared-key authentication (no {@link Credentials}). */
  public PeerPolicy(String cryptoMap, int mapSequence, String peerAddress, String localAddress, Identity localId,
      PeerAuthorization remote, byte[] psk, byte[] remotePsk, List<IkeSuite> ikeSuites, List<EspTransform> espTransforms,
      DhGroup pfsGroup, List<TrafficSelector> localSelectors, List<TrafficSelector> remoteSelectors, ChildSa.Mode mode,
      int replayWindow, long lifetimeSeconds, long lifetimeKilobytes, int idleTimeSeconds, String dfBit,
      long ikeLifetimeSeconds) {
    this(cryptoMap, mapSequence, peerAddress, localAddress, localId, remote, psk, remotePsk, ikeSuites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, ikeLifetimeSeconds, null);
  }

  public PeerPolicy {
    ikeSuites = List.copyOf(ikeSuites);
    espTransforms = List.copyOf(espTransforms);
    localSelectors = List.copyOf(localSelectors);
    remoteSelectors = List.copyOf(remoteSelectors);
    if (remote == null) {
      throw new IllegalArgumentException("a peer policy needs the peer's authorization (its profile's match identity)");
    }
    if (ikeSuites.isEmpty() || espTransforms.isEmpty()) {
      throw new IllegalArgumentException("a peer policy needs IKE and ESP proposals");
    }
  }

  /** This policy bound to {@code address}: what one attempt with a {@code dynamic} host peer negotiates with. */
  public PeerPolicy withPeerAddress(String address) {
    return new PeerPolicy(cryptoMap, mapSequence, address, localAddress, localId, remote, psk, remotePsk, ikeSuites,
        espTransforms, pfsGroup, localSelectors, remoteSelectors, mode, replayWindow, lifetimeSeconds,
        lifetimeKilobytes, idleTimeSeconds, dfBit, ikeLifetimeSeconds, credentials, peerHost, resolveEachAttempt,
        anyPeer);
  }

  /** An IKE identity: RFC 7296 §3.5 ID type and its data as text (address, FQDN or e-mail). */
  public record Identity(int idType, String value) {}

  /** Never the pre-shared keys: records print every component, and policies end up in logs and exceptions. */
  @Override
  public String toString() {
    return "PeerPolicy[crypto map " + cryptoMap + " " + mapSequence + ", peer " + (anyPeer ? "any (dynamic map) " : "")
        + (peerHost == null ? "" : peerHost + (resolveEachAttempt ? " dynamic " : " ") + "= ") + peerAddress
        + ", local " + localAddress
        + ", psk=<redacted>, " + (credentials == null ? "no certificate" : credentials) + "]";
  }
}

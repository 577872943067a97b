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
    String dfBit) {

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
    return "Ikev1Policy[crypto map " + cryptoMap + " " + mapSequence + ", peer " + peerAddress + ", local "
        + localAddress + ", psk=<redacted>]";
  }
}

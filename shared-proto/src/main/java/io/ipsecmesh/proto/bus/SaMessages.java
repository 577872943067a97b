package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.sa.ChildSa;
import java.util.List;

/**
 * Child SA lifecycle, owned by ike-service. The records are also written to the Hazelcast map
 * {@link io.ipsecmesh.proto.sa.SharedMaps#CHILD_SAS}; the bus messages make the forwarder act at once.
 */
public final class SaMessages {

  /** publish: {@link ChildSaInstalled} */
  public static final String CHILD_INSTALLED = "sa.child.installed";
  /** publish: {@link ChildSaDeleted} */
  public static final String CHILD_DELETED = "sa.child.deleted";

  /**
   * send, to the {@code acceptedTo} of a {@link ChildSaInstalled}: {@link ChildSaAccepted}. The address is the
   * installing ike-service's own ({@code sa.child.accepted.<random>}), so in scale-out it reaches the instance whose
   * message waits.
   */
  public static final String CHILD_ACCEPTED_PREFIX = "sa.child.accepted.";

  /**
   * {@code acceptedTo}: null (an installed SA that moved to another peer port), or the installing ike-service's
   * address for {@link ChildSaAccepted}, which the forwarder that owns the SA sends once the inbound half decrypts.
   * Until then the engine holds back what would let the peer send on the SA: the responder's answer (RFC 7296 §2.8:
   * "The responder to a CREATE_CHILD_SA MUST be prepared to accept messages on an SA before sending its response"),
   * a rekey initiator's DELETE of the SA it replaces.
   */
  public record ChildSaInstalled(ChildSa sa, String acceptedTo) {
    public ChildSaInstalled(ChildSa sa) {
      this(sa, null);
    }
  }

  /** The owning forwarder accepts ESP on {@code inboundSpi}: what waited for it may leave. */
  public record ChildSaAccepted(long inboundSpi) {}

  /** {@code reason}: "delete", "rekey", "idle", "lifetime", "dpd", "clear". */
  public record ChildSaDeleted(long inboundSpi, long outboundSpi, String peerAddress, String reason) {}

  static final List<Class<? extends Record>> RECORDS = List.of(ChildSaInstalled.class, ChildSaDeleted.class,
      ChildSaAccepted.class);

  private SaMessages() {}
}

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

  public record ChildSaInstalled(ChildSa sa) {}

  /** {@code reason}: "delete", "rekey", "idle", "lifetime", "dpd", "clear". */
  public record ChildSaDeleted(long inboundSpi, long outboundSpi, String peerAddress, String reason) {}

  static final List<Class<? extends Record>> RECORDS = List.of(ChildSaInstalled.class, ChildSaDeleted.class);

  private SaMessages() {}
}

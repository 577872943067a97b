package io.ipsecmesh.proto.bus;

import java.util.List;

/**
 * The heartbeats by which the instances of a scalable service split its work (rendezvous hashing over the
 * live instance ids, {@code io.ipsecmesh.proto.cluster}). Each service publishes them on its own address:
 * {@link DpdMessages#MEMBERS}, {@link NatKeepaliveMessages#MEMBERS}.
 */
public final class MemberMessages {

  /** {@code leaving}: sent once on orderly shutdown so the others take over at once, not after the timeout. */
  public record MemberHeartbeat(String instanceId, boolean leaving) {}

  static final List<Class<? extends Record>> RECORDS = List.of(MemberHeartbeat.class);

  private MemberMessages() {}
}

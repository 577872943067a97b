/**
 * Splitting a scalable service's work among its live instances without coordination: each instance
 * publishes {@link io.ipsecmesh.proto.bus.MemberMessages.MemberHeartbeat}s on its service's members address
 * ({@link io.ipsecmesh.proto.cluster.MemberHeartbeats}, bookkeeping in
 * {@link io.ipsecmesh.proto.cluster.InstanceMembership}), and owns the keys whose
 * {@link io.ipsecmesh.proto.cluster.RendezvousHash} over the live instance ids names it
 * ({@link io.ipsecmesh.proto.cluster.Ownership}). Used by dpd-service (IKE SAs) and nat-keepalive (NAT-T
 * paths).
 */
package io.ipsecmesh.proto.cluster;

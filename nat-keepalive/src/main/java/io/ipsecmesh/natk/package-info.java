/**
 * nat-keepalive: decides when each NAT-T path needs a one-byte 0xFF keepalive (RFC 3948 §2.3,
 * {@code crypto isakmp nat keepalive}); the esp-forwarder sends it from its port-4500 socket.
 *
 * <p>Bus contract: follows the configuration with {@code ConfigFollower} ({@code config.changed}, {@code config.get}),
 * {@code sa.child.installed}, {@code sa.child.deleted} and {@code fwd.activity}; sends {@code natk.send}
 * ({@code SendKeepalives}, one message per 100 ms tick with everything due in it); consumes and publishes
 * {@code natk.members} heartbeats. At start it also reads the installed Child SAs from the shared map
 * {@code ipsec.child-sa}.
 *
 * <p>Several instances split the NAT-T paths by rendezvous hashing over the live instances
 * ({@code io.ipsecmesh.proto.cluster}, as dpd-service splits the peers): each path's keepalives come from
 * one instance; a dead (three missed heartbeats) or leaving instance's paths are claimed by the survivors.
 *
 * <p>{@link io.ipsecmesh.natk.NatKeepaliveTracker} holds one idle timer per NAT mapping
 * ({@link io.ipsecmesh.natk.NatMapping}) on a {@link io.ipsecmesh.proto.time.TimingWheel};
 * {@link io.ipsecmesh.natk.NatKeepaliveVerticle} is the only class that knows the bus.
 */
package io.ipsecmesh.natk;

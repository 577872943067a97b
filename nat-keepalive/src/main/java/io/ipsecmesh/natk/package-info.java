/**
 * nat-keepalive: decides when each NAT-T path needs a one-byte 0xFF keepalive (RFC 3948 §2.3,
 * {@code crypto isakmp nat keepalive}); the esp-forwarder sends it from its port-4500 socket.
 *
 * <p>Bus contract: follows the configuration with {@code ConfigFollower} ({@code config.changed}, {@code config.get}),
 * {@code sa.child.installed}, {@code sa.child.deleted} and {@code fwd.activity}; sends {@code natk.send}
 * ({@code SendKeepalives}, one message per 100 ms tick with everything due in it). At start it also reads
 * the installed Child SAs from the shared map {@code ipsec.child-sa}.
 *
 * <p>{@link io.ipsecmesh.natk.NatKeepaliveTracker} holds one idle timer per NAT mapping
 * ({@link io.ipsecmesh.natk.NatMapping}) on a {@link io.ipsecmesh.proto.time.TimingWheel};
 * {@link io.ipsecmesh.natk.NatKeepaliveVerticle} is the only class that knows the bus.
 */
package io.ipsecmesh.natk;

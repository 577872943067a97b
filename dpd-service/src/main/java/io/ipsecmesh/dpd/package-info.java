/**
 * dpd-service: the liveness state machine of every IKE peer (RFC 3706, RFC 7296 §2.4, the IOS
 * {@code crypto isakmp keepalive} / IKEv2 {@code dpd} rules). It decides when to probe; ike-service builds
 * and sends the probes and deletes the SAs.
 *
 * <p>Bus contract: follows the configuration with {@code ConfigFollower} ({@code config.changed}, {@code config.get}),
 * {@code ike.peer.up}, {@code ike.peer.down}, {@code ike.liveness-proof}, {@code fwd.activity},
 * {@code mgmt.debug} and {@code dpd.members}; requests {@code dpd.probe} ({@code ProbeRequest}, reply
 * timeout = the retry interval, reply {@code ProbeOutcome}); publishes {@code dpd.peer.dead}
 * ({@code PeerDead} with the failover {@code nextPeer}) and {@code dpd.members} heartbeats. At start it also
 * reads the established IKE SAs from the shared map {@code ipsec.ike-sa}.
 *
 * <p>{@link io.ipsecmesh.dpd.PeerLiveness} is the state machine of one peer,
 * {@link io.ipsecmesh.dpd.DeadPeerDetector} routes events to all of them over one
 * {@link io.ipsecmesh.proto.time.TimingWheel}, {@link io.ipsecmesh.dpd.PeerFailover} is the stateless
 * failover policy, {@link io.ipsecmesh.dpd.cluster.OwnedPeers} splits peers among instances (the heartbeats
 * and the rendezvous hashing are shared-proto's {@code io.ipsecmesh.proto.cluster}; a peer taken over is
 * watched from the last sign of life this instance heard of it), and
 * {@link io.ipsecmesh.dpd.DpdVerticle} is the only class that knows the bus.
 */
package io.ipsecmesh.dpd;

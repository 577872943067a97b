/**
 * Reliability shared by both IKE versions: {@link io.ipsecmesh.ike.wire.Retransmitter} resends an IKE SA's
 * outstanding request on the {@code RetransmitPolicy} schedule until it is answered or given up (RFC 7296 §2.1,
 * RFC 2408 §5), {@link io.ipsecmesh.ike.wire.ReplyCache} answers a retransmitted request with the same bytes, only
 * to the SA's own peer (RFC 7296 §2.1 and §2.11). Both are plain state on the engine's thread with an injectable
 * clock, so tests drive them in virtual time.
 */
package io.ipsecmesh.ike.wire;

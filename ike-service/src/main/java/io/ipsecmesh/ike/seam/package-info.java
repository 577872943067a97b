/**
 * The one seam between ike-service's verticle and its IKE protocol versions. {@link
 * io.ipsecmesh.ike.seam.IkeProtocol} is what a version offers (receive a datagram, the commands of the bus,
 * ownership of IKE SAs, Child SAs and crypto map entries, its {@link io.ipsecmesh.ike.seam.DebugTrace}); {@link
 * io.ipsecmesh.ike.seam.IkeEventSink} is what every version reports; {@link io.ipsecmesh.ike.seam.IkeProtocols}
 * routes by ownership, using a header's major version only for a datagram of no SA. IKEv2 ({@code
 * engine.IkeEngine}) and IKEv1 ({@code v1.Ikev1Service}) implement it; a third version would be a third
 * implementation and no change to the verticle.
 */
package io.ipsecmesh.ike.seam;

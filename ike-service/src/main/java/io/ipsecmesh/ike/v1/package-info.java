/**
 * IKEv1: ISAKMP (RFC 2408) with the IPsec DOI (RFC 2407), IKE Main Mode and Aggressive Mode with pre-shared
 * keys and Quick Mode (RFC 2409), XAUTH and Mode Config as a client (draft-ietf-ipsec-isakmp-xauth,
 * draft-dukes-ike-mode-cfg), dead peer detection (RFC 3706) and NAT traversal (RFC 3947), for the {@code crypto
 * isakmp …} / {@code crypto map … ipsec-isakmp} entries of the configuration.
 *
 * <p>Layout: {@link io.ipsecmesh.ike.v1.Ikev1Service} is IKEv1's {@link io.ipsecmesh.ike.seam.IkeProtocol}
 * (the datagrams of its ISAKMP SAs and new ones of major version 1, acquire, probe, rekey, delete, clear,
 * config); {@link
 * io.ipsecmesh.ike.v1.Ikev1Engine} turns commands into exchanges, {@code IsakmpDispatcher} routes datagrams;
 * {@code IsakmpSaTable} holds the ISAKMP SAs,
 * {@code IsakmpSaLifecycle} their establishment, expiry and deletion, {@code IsakmpWire} sends,
 * retransmits and answers retransmissions with the {@code wire} package's {@code Retransmitter} and
 * {@code ReplyCache} IKEv2 uses too; one small class per exchange
 * holds the protocol rules ({@code MainModeInitiator}, {@code MainModeResponder}, {@code AggressiveModeInitiator},
 * {@code AggressiveModeResponder}, {@code QuickModeExchange}, {@code InformationalExchange}, and for an Easy VPN
 * remote {@code TransactionExchange} with {@code XauthClient} and {@code ModeConfigClient}); the key schedule ({@code Phase1Keys}, {@code
 * QuickModeKeymat}), message protection ({@code CbcCipher}, {@code Protection}), proposals and
 * identities are apart from the states; wire formats are in {@code io.ipsecmesh.proto.ikev1}. The DH
 * groups are IKEv2's {@link io.ipsecmesh.ike.crypto.DhGroup}. {@code Ikev1Policies} makes the policies of the
 * configuration, and {@code Ikev1Template}s of its dynamic crypto maps, which only answer Main Mode.
 *
 * <p>IKEv1 semantics kept on purpose: Child SAs outlive their ISAKMP SA (phase-1 lifetime, the peer's
 * ISAKMP DELETE) and are adopted by the next ISAKMP SA with the peer; a DPD "retransmission" is a new
 * R-U-THERE with the next sequence number; informationals are never retransmitted.
 */
package io.ipsecmesh.ike.v1;

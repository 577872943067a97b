/**
 * What the wire codecs of both IKE versions share: {@link io.ipsecmesh.proto.ike.IkeDecodeException}, the one
 * error of {@code ikev2} (RFC 7296) and {@code ikev1} (ISAKMP, RFC 2408) decoding.
 */
package io.ipsecmesh.proto.ike;

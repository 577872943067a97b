/**
 * ISAKMP wire format (RFC 2408 §3) with the IPsec DOI fields (RFC 2407 §4.6), DPD notifies (RFC 3706)
 * and NAT-T payloads (RFC 3947): {@link io.ipsecmesh.proto.ikev1.IsakmpCodec} decodes with strict
 * bounds, capped counts and typed {@link io.ipsecmesh.proto.ike.IkeDecodeException}s, and keeps
 * where each payload was ({@link io.ipsecmesh.proto.ikev1.PayloadChain}) because IKEv1 hashes cover
 * payloads as sent. Stateless; no cryptography (encrypted bodies are decoded once decrypted).
 */
package io.ipsecmesh.proto.ikev1;

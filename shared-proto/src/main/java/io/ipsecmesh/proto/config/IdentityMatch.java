package io.ipsecmesh.proto.config;

/**
 * One {@code match identity remote fqdn|email [domain] NAME} / {@code key-id ID} of an IKEv2 profile, or the
 * {@code identity …} of an IKEv2 keyring peer, or an ISAKMP profile's {@code match identity host|user-fqdn}:
 * a peer identity (RFC 7296 §3.5) it accepts. Addresses of IKEv2 profiles stay in
 * {@link Ikev2Profile#matchRemoteAddresses()}; {@code address} here carries an IP and an optional mask in
 * {@code value} ("IP MASK").
 *
 * @param domain {@code fqdn domain X} / {@code email domain X}: every name in domain X (X itself or ending in
 *               ".X"; for e-mail the part after '@'), instead of the one name
 */
public record IdentityMatch(IkeIdentity.Type type, String value, boolean domain) {

  /** As IOS writes it after {@code match identity remote} (or {@code identity} in a keyring peer). */
  public String render() {
    return type.keyword() + (domain ? " domain " : " ") + value;
  }
}

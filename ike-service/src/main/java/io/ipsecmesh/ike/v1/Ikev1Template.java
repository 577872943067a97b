package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.config.IsakmpKey;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One IKEv1 entry of a dynamic crypto map ({@code crypto dynamic-map DYN SEQ} without {@code set ikev2-profile},
 * used through {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}): the terms a peer with no {@code set peer} gets
 * when it starts Main Mode with us — the dynamic map's transform sets, PFS group, lifetimes and {@code match address},
 * the static entry's name — bound to that peer once a {@code crypto isakmp key} covers its address (IOS looks the
 * Main Mode key up by address before the encrypted ID arrives, RFC 2409 §5.4: typically {@code address 0.0.0.0
 * 0.0.0.0}, shared by every spoke) or, through the entry's {@code set isakmp-profile}, by the host it must name.
 * Responder only: nothing initiates from a template (IOS never does from a dynamic map).
 *
 * @param policy the terms, with no peer address ({@link io.ipsecmesh.ike.policy.PeerPolicy#UNRESOLVED}) and no key
 * @param keyFor the key for a peer address, or null when none covers it
 */
public record Ikev1Template(Ikev1Policy policy, Function<String, IsakmpKey> keyFor) {

  /** The policy for {@code peer}, or null when no key covers it (the MM1 then gets no answer, as for a stranger). */
  public Ikev1Policy bind(String peer) {
    IsakmpKey key = keyFor.apply(peer);
    return key == null ? null : policy.boundTo(peer, key.key().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Ikev1Template[" + policy + "]";
  }
}

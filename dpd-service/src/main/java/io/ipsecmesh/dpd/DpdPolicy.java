package io.ipsecmesh.dpd;

import java.util.Optional;

/**
 * Which DPD timers apply to a peer: the IKEv2 profile's {@code dpd} for the profile the SA matched, else
 * the global {@code crypto isakmp keepalive}; empty when neither is configured (no probes, as on IOS).
 */
@FunctionalInterface
public interface DpdPolicy {

  Optional<DpdSettings> settingsFor(IkePeer peer);

  /** The same timers for every peer ({@code crypto isakmp keepalive} alone). */
  static DpdPolicy global(DpdSettings settings) {
    Optional<DpdSettings> s = Optional.of(settings);
    return peer -> s;
  }

  /** No keepalive configured anywhere. */
  static DpdPolicy disabled() {
    return peer -> Optional.empty();
  }
}

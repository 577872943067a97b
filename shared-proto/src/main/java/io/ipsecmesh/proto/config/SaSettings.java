package io.ipsecmesh.proto.config;

/**
 * The {@code security-association} settings: global ({@code crypto ipsec security-association …}, every
 * component set) or per crypto map ({@code set security-association …}, a null component inherits the
 * global value). {@link GatewayConfig#effectiveSa(CryptoMapEntry)} merges the two.
 *
 * @param idleTimeSeconds   60–86400, null = no idle timer
 * @param lifetimeSeconds   default 3600
 * @param lifetimeKilobytes default 4 608 000
 */
public record SaSettings(Replay replay, Integer idleTimeSeconds, Long lifetimeSeconds, Long lifetimeKilobytes) {
  public static final long DEFAULT_LIFETIME_SECONDS = 3600;
  public static final long DEFAULT_LIFETIME_KILOBYTES = 4_608_000;

  /** The IOS defaults of the global settings. */
  public static final SaSettings DEFAULTS =
      new SaSettings(Replay.DEFAULT, null, DEFAULT_LIFETIME_SECONDS, DEFAULT_LIFETIME_KILOBYTES);

  /** A crypto map that overrides nothing. */
  public static final SaSettings INHERIT = new SaSettings(null, null, null, null);

  /** Each component of this one, or of {@code fallback} where this one has none. */
  public SaSettings orElse(SaSettings fallback) {
    return new SaSettings(
        replay != null ? replay : fallback.replay,
        idleTimeSeconds != null ? idleTimeSeconds : fallback.idleTimeSeconds,
        lifetimeSeconds != null ? lifetimeSeconds : fallback.lifetimeSeconds,
        lifetimeKilobytes != null ? lifetimeKilobytes : fallback.lifetimeKilobytes);
  }

  public SaSettings withReplay(Replay r) {
    return new SaSettings(r, idleTimeSeconds, lifetimeSeconds, lifetimeKilobytes);
  }

  public SaSettings withIdleTime(Integer s) {
    return new SaSettings(replay, s, lifetimeSeconds, lifetimeKilobytes);
  }

  public SaSettings withLifetimeSeconds(Long s) {
    return new SaSettings(replay, idleTimeSeconds, s, lifetimeKilobytes);
  }

  public SaSettings withLifetimeKilobytes(Long kb) {
    return new SaSettings(replay, idleTimeSeconds, lifetimeSeconds, kb);
  }
}

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Replay;
import io.ipsecmesh.proto.config.SaSettings;

/**
 * The {@code security-association} words shared by the global {@code crypto ipsec security-association …}
 * and the crypto map {@code set security-association …}: {@code replay window-size N | replay disable |
 * idle-time S | lifetime seconds S | lifetime kilobytes K}.
 */
final class SaSettingsParser {

  static final int MIN_WINDOW = 64;
  static final int MAX_WINDOW = 65_536;

  private SaSettingsParser() {}

  /** Reads the words after "security-association"; returns {@code current} with the one setting changed. */
  static SaSettings apply(Args a, SaSettings current, String prefix) {
    String what = a.oneOf("setting", "replay", "idle-time", "lifetime");
    switch (what) {
      case "replay" -> {
        String sub = a.command(prefix + " replay").oneOf("replay setting", "window-size", "disable");
        if (sub.equals("disable")) {
          a.end();
          return current.withReplay(Replay.DISABLED);
        }
        a.command(prefix + " replay window-size");
        String wrong = "window size must be a power of two from 64 to 65536 (64, 128, 256, 512, 1024, … 65536), got ";
        int size = Replay.DEFAULT_WINDOW;
        if (a.hasMore()) {
          long n = a.number("window size", 0, 999_999_999_999L);
          if (n < MIN_WINDOW || n > MAX_WINDOW || Long.bitCount(n) != 1) {
            throw a.fail(wrong + n);
          }
          size = (int) n;
        }
        a.end();
        return current.withReplay(Replay.window(size));
      }
      case "idle-time" -> {
        a.command(prefix + " idle-time");
        int s = a.integer("seconds", 60, 86_400);
        // "default" makes IOS fall back to the default peer after the idle time; there is no other behaviour here.
        a.accept("default");
        a.end();
        return current.withIdleTime(s);
      }
      default -> {
        String unit = a.command(prefix + " lifetime").oneOf("unit", "seconds", "kilobytes");
        if (unit.equals("seconds")) {
          a.command(prefix + " lifetime seconds");
          long s = a.number("seconds", 120, 86_400);
          a.end();
          return current.withLifetimeSeconds(s);
        }
        a.command(prefix + " lifetime kilobytes");
        long kb = a.number("kilobytes", 2560, 4_294_967_295L);
        a.end();
        return current.withLifetimeKilobytes(kb);
      }
    }
  }
}

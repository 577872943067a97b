package io.ipsecmesh.esp.qos;

import java.util.Arrays;
import java.util.Locale;

/** DSCP names and numbers (RFC 2474, 2597, 3246, 5865) for the priority-class forwarder option. */
public final class Dscp {

  private Dscp() {}

  /**
   * Parses a comma-separated list such as {@code "ef"}, {@code "ef,cs5"} or {@code "46,44"}: the names
   * IOS uses in {@code match dscp} ({@code ef}, {@code voice-admit}, {@code csN}, {@code afXY},
   * {@code default}) or numbers 0–63.
   */
  public static int[] parseList(String text) {
    String[] parts = text.trim().split("\\s*,\\s*");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parse(parts[i]);
    }
    return Arrays.stream(out).distinct().toArray();
  }

  static int parse(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    switch (w) {
      case "ef":
        return 46;
      case "voice-admit":
        return 44;
      case "default":
        return 0;
      default:
        break;
    }
    if (w.matches("cs[0-7]")) {
      return (w.charAt(2) - '0') << 3;
    }
    if (w.matches("af[1-4][1-3]")) {
      return ((w.charAt(2) - '0') << 3) | ((w.charAt(3) - '0') << 1);
    }
    if (w.matches("[0-9]{1,2}")) {
      int n = Integer.parseInt(w);
      if (n <= 63) {
        return n;
      }
    }
    throw new IllegalArgumentException("not a DSCP (0-63, ef, voice-admit, csN, afXY, default): " + word);
  }
}

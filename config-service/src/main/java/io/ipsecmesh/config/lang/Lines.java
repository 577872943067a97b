package io.ipsecmesh.config.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits configuration text into lines and a line into words, in one linear pass each, without
 * {@code java.util.regex}. Same results as {@code text.split("\r\n|\r|\n", -1)} and
 * {@code body.split("\\s+")}; but a regular expression is matched again at every position of the text,
 * which costs little in a plain JVM and is quadratic under the fuzzer's regex hooks (Jazzer's
 * {@code RegexRoadblocks} encodes the rest of the input at each alternative tried): 78 % of the
 * {@code config} fuzz target's time went into those two splits (docs/security.md, "Fuzzing").
 */
final class Lines {

  private Lines() {}

  /** The lines of {@code text}, split at CR LF, CR or LF; a trailing terminator gives a last empty line. */
  static String[] split(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        lines.add(text.substring(start, i));
        i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    lines.add(text.substring(start));
    return lines.toArray(String[]::new);
  }

  /**
   * The words of a stripped, non-empty line: separated by runs of the characters regex {@code \s} means
   * (space, tab, LF, VT, FF, CR).
   */
  static List<String> words(String body) {
    List<String> words = new ArrayList<>();
    int n = body.length();
    int i = 0;
    while (i < n) {
      int start = i;
      while (i < n && !space(body.charAt(i))) {
        i++;
      }
      words.add(body.substring(start, i));
      while (i < n && space(body.charAt(i))) {
        i++;
      }
    }
    return words;
  }

  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }
}

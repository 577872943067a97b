package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The linear splitters give what the regular expressions they replace gave, on every input. */
class LinesTest {

  @Test
  void linesSplitAtCrLfCrAndLfKeepingATrailingEmptyLine() {
    assertArrayEquals(new String[] {"a", "b", "c", "", "d", ""}, Lines.split("a\r\nb\rc\n\nd\n"));
    assertArrayEquals(new String[] {""}, Lines.split(""));
    assertArrayEquals(new String[] {"", ""}, Lines.split("\r\n"));
    assertArrayEquals(new String[] {"", "", ""}, Lines.split("\n\r"), "LF CR is two terminators");
  }

  @Test
  void wordsSplitAtRunsOfRegexWhitespaceOnly() {
    assertEquals(List.of("crypto", "map", "m", "10"), Lines.words("crypto  map\tm \u000B\f10"));
    assertEquals(List.of("a\u00A0b"), Lines.words("a\u00A0b"), "a no-break space is part of a word, as for \\s");
  }

  @Test
  void sameAsTheRegularExpressionsOnRandomText() {
    Random random = new Random(7);
    char[] alphabet = {'a', 'b', ' ', '\t', '\r', '\n', '\u000B', '\f', '\u00A0', '\u2003', '!', 'x'};
    for (int round = 0; round < 20_000; round++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(30);
      for (int i = 0; i < n; i++) {
        b.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = b.toString();
      assertArrayEquals(text.split("\r\n|\r|\n", -1), Lines.split(text), text);
      String body = text.strip();
      if (!body.isEmpty()) {
        assertEquals(Arrays.asList(body.split("\\s+")), Lines.words(body), body);
      }
    }
  }
}

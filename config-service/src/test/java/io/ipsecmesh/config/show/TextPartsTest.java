package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextPartsTest {

  @Test
  void aLongTextIsCutIntoPartsOfWholeLinesThatJoinToIt() {
    TextParts t = new TextParts();
    StringBuilder whole = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      t.append("  IKEv2 SA: local 10.1.1.1/").append(i).append(' ').append("Active").append('\n');
      whole.append("  IKEv2 SA: local 10.1.1.1/").append(i).append(' ').append("Active").append('\n');
    }
    List<String> parts = t.parts();
    assertTrue(parts.size() > 1, "about 800 KB in parts of 128 K characters: " + parts.size());
    assertEquals(whole.toString(), String.join("", parts));
    for (String p : parts) {
      assertTrue(p.endsWith("\n"), "whole lines");
      assertTrue(p.length() < TextParts.PART_CHARS + 64, "one line past the mark at most: " + p.length());
    }
  }

  @Test
  void aShortTextIsOnePartAndNothingIsOneEmptyPart() {
    assertEquals(List.of("Crypto session current status\n\n"),
        new TextParts().append("Crypto session current status\n").append('\n').parts());
    assertEquals(List.of(""), new TextParts().parts());
  }
}

package io.ipsecmesh.config.show;

import java.util.ArrayList;
import java.util.List;

/**
 * A long command output built in parts of about {@link #PART_CHARS} characters, each cut at a line end, so that no
 * answer needs one array of its whole size. At 100 000 sessions {@code show crypto session} is 18 MB: built in one
 * {@code StringBuilder}, turned into a {@code String} and then into bytes, it made three arrays of that size — G1
 * "humongous" allocations, each of which started a young pause (three in a row, 0.34 s, in the first call of the
 * 100 000-SA run; docs/performance.md, "DPD under local overload"). The management API sends the parts one by one.
 */
public final class TextParts {

  /** Well below the smallest G1 humongous threshold (half a 1 MB region), and large enough to send efficiently. */
  static final int PART_CHARS = 128 * 1024;

  private final List<String> parts = new ArrayList<>();
  private final StringBuilder current = new StringBuilder(PART_CHARS + 4096);

  public TextParts append(String s) {
    current.append(s);
    return this;
  }

  public TextParts append(int i) {
    current.append(i);
    return this;
  }

  /** A part ends only after a newline, so every part is whole lines. */
  public TextParts append(char c) {
    current.append(c);
    if (c == '\n' && current.length() >= PART_CHARS) {
      parts.add(current.toString());
      current.setLength(0);
    }
    return this;
  }

  /** Whole lines, the last ending in a newline: a part may end after them. */
  public TextParts appendLines(String lines) {
    current.append(lines);
    if (current.length() >= PART_CHARS) {
      parts.add(current.toString());
      current.setLength(0);
    }
    return this;
  }

  /** The parts in order; the last may be shorter (or the only one). */
  public List<String> parts() {
    List<String> all = new ArrayList<>(parts);
    if (current.length() > 0 || all.isEmpty()) {
      all.add(current.toString());
    }
    return all;
  }
}

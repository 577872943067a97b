package io.ipsecmesh.ike.v1;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The seed's {@code debug crypto isakmp} sample output (test resource), one entry per timestamped message:
 * the guide's line wrapping undone (a message continues on the next lines; several may share one line)
 * and runs of blanks made one, as a reader of the trace sees it.
 */
final class SeedTrace {

  private static final Pattern STAMP = Pattern.compile("\\*Mar \\d+ \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: ");

  /** A timestamp and the message after it. */
  record Entry(String time, String text) {}

  private SeedTrace() {}

  static List<Entry> read(String resource) throws IOException {
    StringBuilder all = new StringBuilder();
    try (InputStream in = SeedTrace.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#")) {
          all.append(line).append(' ');
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    var m = STAMP.matcher(all);
    int start = -1;
    String time = null;
    while (m.find()) {
      if (start >= 0) {
        out.add(new Entry(time, normalize(all.substring(start, m.start()))));
      }
      time = m.group().substring(1, m.group().length() - 2);
      start = m.end();
    }
    if (start >= 0) {
      out.add(new Entry(time, normalize(all.substring(start))));
    }
    return out;
  }

  static String normalize(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  /** The message without its SA tag ({@code ISAKMP:(0:1:HW:2):}): ours names the SA differently. */
  static String untagged(String text) {
    return text.replaceFirst("^(ISAKMP|IKEv2):\\([^)]*\\):", "").strip();
  }
}

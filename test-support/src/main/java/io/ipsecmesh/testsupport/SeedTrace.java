package io.ipsecmesh.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A seed's sample trace, one entry per timestamped message: the guide's line wrapping undone (a message
 * continues on the next lines; several may share one line) and runs of blanks made one, as a reader of the trace
 * sees it. {@link #DPD_DEBUG} is the {@code debug crypto isakmp} sample of the DPD chapter (this module's
 * resource; its source is in its '#' header), the trace both dpd-service's timer lines and ike-service's packet
 * lines are held against.
 */
public final class SeedTrace {

  /** The DPD chapter's {@code debug crypto isakmp} sample (Cisco IOS XE IPsec Data Plane Configuration Guide). */
  public static final String DPD_DEBUG = "/seed-debug-crypto-isakmp-dpd.txt";

  private static final Pattern STAMP = Pattern.compile("\\*Mar \\d+ \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: ");

  /** A timestamp and the message after it. */
  public record Entry(String time, String text) {}

  private SeedTrace() {}

  public static List<Entry> read(String resource) throws IOException {
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

  public static String normalize(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  /** The message without its SA tag ({@code ISAKMP:(0:1:HW:2):}): ours names the SA differently. */
  public static String untagged(String text) {
    return text.replaceFirst("^(ISAKMP|IKEv2):\\([^)]*\\):", "").strip();
  }
}

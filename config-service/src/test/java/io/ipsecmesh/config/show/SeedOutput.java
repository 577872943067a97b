package io.ipsecmesh.config.show;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A seed's sample output kept in {@code src/test/resources/seed-outputs} (its source in its '#' header). */
final class SeedOutput {

  private SeedOutput() {}

  /** The sample's lines without the header, the command line ({@code Router# …}) and blank lines. */
  static List<String> lines(String name) throws IOException {
    try (InputStream in = SeedOutput.class.getResourceAsStream("/seed-outputs/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource seed-outputs/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("#") && !l.startsWith("Router#") && !l.isBlank())
          .toList();
    }
  }

  /** Our output's lines without blank lines (the seeds' page layout drops IOS's blank lines). */
  static List<String> ours(String output) {
    return output.lines().filter(l -> !l.isBlank()).toList();
  }
}

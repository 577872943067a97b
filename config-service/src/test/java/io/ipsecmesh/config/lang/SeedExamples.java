package io.ipsecmesh.config.lang;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The configuration examples of the seed documents, copied into {@code seed-examples/NN-name.cfg}. The
 * code blocks are copied as they appear (indentation, trailing blanks, prompts); in the two
 * anti-replay examples of the IOS XE guide (seed 003) the PDF-to-text conversion had joined several
 * commands on one line, and only those line breaks are restored.
 */
final class SeedExamples {

  static final List<String> ALL = List.of(
      "01-dpd-site-to-site-periodic",
      "02-dpd-ezvpn-remote-periodic",
      "03-dpd-crypto-map-multiple-peers",
      "04-dpd-ezvpn-multiple-peers",
      "05-dpd-site-to-site-3des-flat",
      "06-dpd-ezvpn-remote-flat",
      "07-dpd-crypto-map-multiple-peers-flat",
      "08-dpd-ezvpn-multiple-peers-flat",
      "09-dpd-site-to-site-xe-markdown",
      "10-dpd-crypto-map-keepalive-markdown",
      "11-anti-replay-global",
      "12-anti-replay-per-crypto-map",
      "13-invalid-spi-recovery-router-a",
      "14-invalid-spi-recovery-router-b",
      "15-dpd-site-to-site-3des",
      "16-dpd-ezvpn-remote-guide",
      "17-dpd-crypto-map-multiple-peers-guide",
      "18-dpd-ezvpn-multiple-peers-guide",
      "19-nat-keepalives",
      "20-df-bit-override",
      "21-idle-timer-global",
      "22-idle-timer-per-crypto-map");

  private SeedExamples() {}

  static String text(String name) {
    try (InputStream in = SeedExamples.class.getResourceAsStream("/seed-examples/" + name + ".cfg")) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ParseResult parse(String name) {
    return ConfigParser.parse(name + ".cfg", text(name));
  }
}

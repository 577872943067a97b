package io.ipsecmesh.testsupport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A packet capture on one interface of one namespace: tcpdump writes it (open once it says "listening on"), tshark
 * reads it back as field rows. {@link #close()} stops tcpdump; {@link #rows} stops it too before reading.
 */
public final class Capture implements AutoCloseable {

  private final Process tcpdump;
  private final Path file;

  /**
   * Starts tcpdump in {@code ns} on {@code iface} with the capture filter {@code filter} (words separated by blanks,
   * e.g. {@code "udp port 4500"}), 200 bytes of each packet, into a new file below {@code dir}.
   */
  public Capture(Path dir, String ns, String iface, String filter) throws Exception {
    file = Files.createTempFile(dir, ns + "-" + iface, ".pcap");
    List<String> cmd = new ArrayList<>(Sh.inNs(ns, "tcpdump", "--immediate-mode", "-Z", "root", "-i", iface, "-U",
        "-n", "-s", "200", "-w", file.toString()));
    cmd.addAll(Arrays.asList(filter.split(" ")));
    tcpdump = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    // tcpdump says "listening on IFACE" once its capture is open
    BufferedReader r = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !line.contains("listening on")) {
      close();
      throw new AssertionError("tcpdump in " + ns + ": " + line);
    }
  }

  /** Stops the capture; the packets as tshark field rows (tab-separated, IP reassembly off). */
  public List<String[]> rows(String... fields) throws Exception {
    close();
    return read(file, fields);
  }

  /** The packets of a capture file as tshark field rows (tab-separated, IP reassembly off). */
  public static List<String[]> read(Path file, String... fields) {
    List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-o", "ip.defragment:FALSE",
        "-T", "fields", "-E", "separator=/t"));
    for (String f : fields) {
      cmd.add("-e");
      cmd.add(f);
    }
    Sh.Result r = Sh.run(30, cmd.toArray(String[]::new));
    if (!r.ok()) {
      throw new AssertionError("tshark: " + r.output());
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      // tshark's own warnings share its output: only rows of fields count
      if (!line.isBlank() && !line.startsWith("Running as user") && !line.startsWith("tshark:")) {
        rows.add(line.split("\t", -1));
      }
    }
    return rows;
  }

  /** The capture file. */
  public Path file() {
    return file;
  }

  /** Stops tcpdump (SIGTERM: it flushes and closes the file), waiting up to 10 s. */
  @Override
  public void close() {
    try {
      Sh.stop(tcpdump, 10);
    } catch (InterruptedException e) {
      tcpdump.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

package io.ipsecmesh.esp.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the {@link ClearTextRuleset} with {@code nft} in the forwarder's network namespace and
 * reads its counters back ({@code nft -j list counters}). Blocking: called from a worker, never
 * from an event loop or the packet path, which this check never touches.
 */
public final class ClearTextAccessCheck {

  private volatile List<String> counters = List.of();
  private volatile long[] dropped = new long[0];

  /**
   * Replaces the table with the one of {@code ruleset} (or removes it when nothing is protected).
   *
   * @return null, or what nft said when it refused
   */
  public String apply(ClearTextRuleset.Ruleset ruleset) {
    String error;
    if (ruleset.empty()) {
      error = nft(null, "delete", "table", "inet", ClearTextRuleset.TABLE);
      error = error != null && error.contains("No such file") ? null : error;
    } else {
      error = nft(ruleset.text(), "-f", "-");
    }
    if (error == null) {
      counters = ruleset.counters();
      dropped = new long[ruleset.counters().size()];
    }
    return error;
  }

  /** Reads the counters; returns null or nft's complaint. */
  public String poll() {
    if (counters.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    String error = nft(out, "-j", "list", "counters", "table", "inet", ClearTextRuleset.TABLE);
    if (error != null) {
      return error;
    }
    long[] now = new long[counters.size()];
    JsonArray items = new JsonObject(out.toString()).getJsonArray("nftables", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject c = items.getJsonObject(i).getJsonObject("counter");
      if (c != null && c.getString("name", "").startsWith("cleartext_")) {
        int index = Integer.parseInt(c.getString("name").substring("cleartext_".length()));
        if (index < now.length) {
          now[index] = c.getLong("packets", 0L);
        }
      }
    }
    dropped = now;
    return null;
  }

  /** Clear-text packets dropped so far, per crypto map entry ("VPN 10"), as of the last {@link #poll}. */
  public long dropped(int index) {
    long[] d = dropped;
    return index < d.length ? d[index] : 0;
  }

  /** Clear-text packets dropped for one crypto map entry ("VPN 10"), 0 when it has no counter. */
  public long dropped(String mapEntry) {
    int i = counters.indexOf(mapEntry);
    return i < 0 ? 0 : dropped(i);
  }

  public List<String> counterNames() {
    return counters;
  }

  public long total() {
    long sum = 0;
    for (long d : dropped) {
      sum += d;
    }
    return sum;
  }

  /** Removes the table (forwarder stop). */
  public void remove() {
    if (!counters.isEmpty()) {
      nft(null, "delete", "table", "inet", ClearTextRuleset.TABLE);
      counters = List.of();
    }
  }

  /** Runs nft; stdin is {@code input} (a String) or nothing, stdout goes to {@code input} when it is a StringBuilder. */
  private static String nft(Object input, String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "nft";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (input instanceof String text) {
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "nft timed out";
      }
      if (p.exitValue() != 0) {
        return output.strip();
      }
      if (input instanceof StringBuilder sb) {
        sb.append(output);
      }
      return null;
    } catch (IOException e) {
      return "nft: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}

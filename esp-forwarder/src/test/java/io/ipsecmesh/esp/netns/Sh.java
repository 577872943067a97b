package io.ipsecmesh.esp.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command with a deadline and returns its exit status and output. */
final class Sh {

  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private Sh() {}

  static Result run(long timeoutSeconds, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Runs and fails with the output when the command fails. */
  static String must(String... command) {
    Result r = run(30, command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " -> " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  static boolean isRoot() {
    return "0".equals(run(5, "id", "-u").output().trim());
  }

  static boolean have(String tool) {
    return run(5, "sh", "-c", "command -v " + tool).ok();
  }

  static List<String> inNs(String ns, String... command) {
    String[] full = new String[command.length + 4];
    full[0] = "ip";
    full[1] = "netns";
    full[2] = "exec";
    full[3] = ns;
    System.arraycopy(command, 0, full, 4, command.length);
    return List.of(full);
  }
}

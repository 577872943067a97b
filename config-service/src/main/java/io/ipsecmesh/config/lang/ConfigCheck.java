package io.ipsecmesh.config.lang;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code config check [--show] FILE…}: validates configuration files the way the configuration service
 * would load them. Errors and warnings go to stderr as {@code FILE:LINE: message} (warnings as
 * {@code FILE:LINE: warning: message}); with {@code --show} the {@code show running-config} text of each
 * valid file goes to stdout. Exit status 0 when every file is valid, 1 otherwise.
 */
public final class ConfigCheck {

  private ConfigCheck() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean show = false;
    int files = 0;
    int status = 0;
    for (String arg : args) {
      if (arg.equals("--show") || arg.equals("-s")) {
        show = true;
        continue;
      }
      files++;
      String text;
      try {
        text = Files.readString(Path.of(arg), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        err.println(arg + ":0: cannot read: " + e.getMessage());
        status = 1;
        continue;
      }
      ParseResult result = ConfigParser.parse(arg, text);
      result.errors().forEach(e -> err.println(e));
      result.warnings().forEach(w -> err.println(w.file() + ":" + w.line() + ": warning: " + w.message()));
      if (result.ok()) {
        if (show) {
          out.print(result.config().render());
        } else {
          out.println(arg + ": OK");
        }
      } else {
        status = 1;
      }
    }
    if (files == 0) {
      err.println("usage: config check [--show] FILE...");
      return 1;
    }
    return status;
  }
}

package io.ipsecmesh.config.lang;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The errors and warnings of one file, in the order they are found; bounded so garbage input cannot flood the output. */
final class Diagnostics {

  /** More than this and the file is not a configuration anyway; one last line says how many were left out. */
  static final int MAX_PER_KIND = 500;

  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigError> warnings = new ArrayList<>();
  private int droppedErrors;
  private int droppedWarnings;
  private int lastLine;

  Diagnostics(String file) {
    this.file = file;
  }

  void error(int line, String message) {
    lastLine = Math.max(lastLine, line);
    if (errors.size() < MAX_PER_KIND) {
      errors.add(new ConfigError(file, line, message));
    } else {
      droppedErrors++;
    }
  }

  void warn(int line, String message) {
    lastLine = Math.max(lastLine, line);
    if (warnings.size() < MAX_PER_KIND) {
      warnings.add(new ConfigError(file, line, message));
    } else {
      droppedWarnings++;
    }
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** In line order; the checks made after reading (undefined names…) slot in where they belong. */
  List<ConfigError> errors() {
    List<ConfigError> out = new ArrayList<>(errors);
    out.sort(Comparator.comparingInt(ConfigError::line));
    if (droppedErrors > 0) {
      out.add(new ConfigError(file, lastLine, droppedErrors + " more errors not shown"));
    }
    return out;
  }

  List<ConfigError> warnings() {
    List<ConfigError> out = new ArrayList<>(warnings);
    out.sort(Comparator.comparingInt(ConfigError::line));
    if (droppedWarnings > 0) {
      out.add(new ConfigError(file, lastLine, droppedWarnings + " more warnings not shown"));
    }
    return out;
  }
}

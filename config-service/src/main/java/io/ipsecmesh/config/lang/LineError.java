package io.ipsecmesh.config.lang;

import java.util.List;

/**
 * A line is refused. Thrown by {@link Args} and the command parsers, caught by {@link ConfigParser} for
 * every line, so it never leaves the parser: callers only ever see {@link ConfigError}s.
 */
final class LineError extends RuntimeException {

  private final List<String> messages;

  LineError(String message) {
    this(List.of(message));
  }

  /** Several independent problems of the same line, each reported on its own. */
  LineError(List<String> messages) {
    super(messages.get(0), null, false, false);
    this.messages = List.copyOf(messages);
  }

  List<String> messages() {
    return messages;
  }
}

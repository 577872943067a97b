package io.ipsecmesh.config.api;

import java.util.List;

/**
 * The text an exec command prints, in parts sent one after the other (a long listing is never one array of its whole
 * size: {@link io.ipsecmesh.config.show.TextParts}), and the HTTP status the API answers with.
 */
public record ExecResult(int status, List<String> parts) {

  public ExecResult {
    parts = List.copyOf(parts);
  }

  public ExecResult(int status, String text) {
    this(status, List.of(text));
  }

  public static ExecResult ok(String text) {
    return new ExecResult(200, text);
  }

  /** The whole text (joined: for callers that want one string, not for the API). */
  public String text() {
    return parts.size() == 1 ? parts.getFirst() : String.join("", parts);
  }
}

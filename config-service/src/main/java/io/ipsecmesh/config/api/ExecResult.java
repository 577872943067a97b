package io.ipsecmesh.config.api;

/** The text an exec command prints, and the HTTP status the API answers with. */
public record ExecResult(int status, String text) {

  public static ExecResult ok(String text) {
    return new ExecResult(200, text);
  }
}

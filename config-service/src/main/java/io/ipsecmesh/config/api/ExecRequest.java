package io.ipsecmesh.config.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The body of {@code POST /exec} read as the command line it carries: plain text, or JSON
 * {@code {"command": "…"}} when the content type says so. Kept apart from {@link ManagementApi}'s routing so
 * that the request interpretation can be fuzzed without an HTTP server.
 */
final class ExecRequest {

  private ExecRequest() {}

  /**
   * @param contentType the request's Content-Type header, or null
   * @param body        the request body as text, or null when there was none
   * @return the stripped command line, never empty
   * @throws ExecSyntaxException with the text of the 400 answer
   */
  static String commandLine(String contentType, String body) throws ExecSyntaxException {
    if (body == null || body.isBlank()) {
      throw new ExecSyntaxException("% empty command: POST the exec command line as the request body");
    }
    String command;
    if (contentType != null && contentType.startsWith("application/json")) {
      try {
        command = new JsonObject(body).getString("command");
      } catch (DecodeException | ClassCastException e) {
        throw new ExecSyntaxException("% malformed JSON: expected {\"command\": \"show …\"}");
      }
      if (command == null || command.isBlank()) {
        throw new ExecSyntaxException("% JSON body has no \"command\" string");
      }
    } else {
      command = body;
    }
    return command.strip();
  }
}

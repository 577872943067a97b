package io.ipsecmesh.gateway;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI side of the management API: finds the running gateway through the api file that
 * config-service wrote (url and bearer token, mode 0600) and sends one request.
 */
final class ApiClient {

  /** Thrown with a message fit for the operator; {@code exitCode} distinguishes "not running" (2). */
  static final class ApiUnavailable extends Exception {
    final int exitCode;

    ApiUnavailable(String message, int exitCode) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final Path apiFile;
  private final String url;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ApiClient(Path apiFile, String url, String token) {
    this.apiFile = apiFile;
    this.url = url;
    this.token = token;
  }

  static Path defaultApiFile() {
    String env = System.getenv("IPSECMESH_API_FILE");
    return Path.of(env != null && !env.isBlank() ? env : System.getProperty("user.home") + "/.ipsec-mesh/api.json");
  }

  static ApiClient fromFile(Path apiFile) throws ApiUnavailable {
    String text;
    try {
      text = Files.readString(apiFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ApiUnavailable("no running gateway found: " + apiFile + " does not exist (start one with"
          + " 'ipsec-mesh run', or point --api-file / IPSECMESH_API_FILE at its api file)", 2);
    } catch (IOException e) {
      throw new ApiUnavailable("cannot read " + apiFile + ": " + e.getMessage(), 2);
    }
    try {
      JsonObject o = new JsonObject(text);
      String url = o.getString("url");
      String token = o.getString("token");
      if (url == null || token == null) {
        throw new ApiUnavailable(apiFile + " lacks \"url\" or \"token\"", 2);
      }
      return new ApiClient(apiFile, url, token);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiUnavailable(apiFile + " is not the api file of a gateway: " + e.getMessage(), 2);
    }
  }

  Response post(String path, String body) throws ApiUnavailable {
    return send(HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private Response send(HttpRequest.Builder request) throws ApiUnavailable {
    try {
      HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.body());
    } catch (ConnectException e) {
      throw new ApiUnavailable("no gateway answers at " + url + " (from " + apiFile + "): is it running?", 2);
    } catch (IOException e) {
      throw new ApiUnavailable("request to " + url + " failed: " + e.getMessage(), 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiUnavailable("interrupted", 2);
    }
  }
}

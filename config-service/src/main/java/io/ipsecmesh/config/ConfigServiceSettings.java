package io.ipsecmesh.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * The settings of config-service, from its deployment config (the service's command-line flags, see
 * {@link io.ipsecmesh.proto.runtime.LaunchOptions}) with environment fallbacks for containers.
 *
 * <pre>
 *   --config FILE          the configuration file, watched for changes
 *   --config-text TEXT     initial configuration when there is no file and the cluster holds none
 *   --watch-ms N           file poll interval, default 1000
 *   --api-host ADDR        management API bind address, default 127.0.0.1   IPSECMESH_API_HOST
 *   --api-port N           default 8300, 0 = any free port                  IPSECMESH_API_PORT
 *   --api-token T          bearer token, default: generated at start        IPSECMESH_API_TOKEN
 *   --api-file FILE        where url+token are written (0600), default ~/.ipsec-mesh/api.json  IPSECMESH_API_FILE
 *   --no-api               no management API (a second config-service instance)
 *   --request-timeout-ms N timeout of requests to other services, default 5000
 * </pre>
 */
record ConfigServiceSettings(
    String configFile,
    String configText,
    long watchMillis,
    boolean api,
    String apiHost,
    int apiPort,
    String apiToken,
    Path apiFile,
    long requestTimeoutMillis) {

  static final int MIN_TOKEN_CHARS = 16;

  static ConfigServiceSettings from(JsonObject c, Map<String, String> env) {
    String home = System.getProperty("user.home", ".");
    return new ConfigServiceSettings(
        string(c, "config", null),
        string(c, "config-text", null),
        number(c, "watch-ms", "1000", 50, 3_600_000),
        !Boolean.TRUE.equals(c.getValue("no-api")),
        string(c, "api-host", env.getOrDefault("IPSECMESH_API_HOST", "127.0.0.1")),
        (int) number(c, "api-port", env.getOrDefault("IPSECMESH_API_PORT", "8300"), 0, 65535),
        token(string(c, "api-token", env.get("IPSECMESH_API_TOKEN"))),
        Path.of(string(c, "api-file", env.getOrDefault("IPSECMESH_API_FILE", home + "/.ipsec-mesh/api.json"))),
        number(c, "request-timeout-ms", "5000", 100, 600_000));
  }

  /** A blank token (e.g. an unset variable in a compose file) means "generate one", never "no token". */
  private static String token(String t) {
    if (t == null || t.isBlank()) {
      return null;
    }
    if (t.strip().length() < MIN_TOKEN_CHARS) {
      throw new IllegalArgumentException("--api-token must have at least " + MIN_TOKEN_CHARS + " characters");
    }
    return t.strip();
  }

  private static String string(JsonObject c, String key, String dflt) {
    Object v = c.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean) {
      throw new IllegalArgumentException("--" + key + " needs a value");
    }
    return String.valueOf(v);
  }

  private static long number(JsonObject c, String key, String dflt, long min, long max) {
    Object v = c.getValue(key);
    String s = v == null ? dflt : String.valueOf(v);
    long n;
    try {
      n = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, got '" + s + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("--" + key + " must be " + min + "-" + max + ", got " + n);
    }
    return n;
  }
}

package io.ipsecmesh.proto.runtime;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one process joins the cluster and exposes metrics. Each setting comes from a flag, else from an
 * environment variable (what containers use), else from a default that is safe on a laptop: loopback
 * only, multicast never.
 *
 * <pre>
 *   --cluster-name NAME   IPSECMESH_CLUSTER_NAME   ipsec-mesh       members with another name refuse to join
 *   --cluster-host ADDR   IPSECMESH_CLUSTER_HOST   127.0.0.1        address Hazelcast and the event bus bind; "auto" lets Hazelcast pick
 *   --cluster-port N      IPSECMESH_CLUSTER_PORT   5701             first Hazelcast port tried (auto-increments)
 *   --members A[,B…]      IPSECMESH_MEMBERS        127.0.0.1        TCP/IP join list, host or host:port
 *   --metrics-port N      IPSECMESH_METRICS_PORT   0 (off)          Prometheus HTTP exposition port
 *   --metrics-host ADDR   IPSECMESH_METRICS_HOST   127.0.0.1
 *   --kek-file FILE       IPSECMESH_KEK_FILE       none             the cluster's KEK (0400/0600); a lone
 *                                                                    service refuses to start without one
 *   --tls-keystore FILE   IPSECMESH_TLS_KEYSTORE   none             this member's event-bus key + certificate
 *   --tls-ca FILE         IPSECMESH_TLS_CA         none             the cluster CA certificate (PEM)
 * </pre>
 *
 * Every other {@code --key value} (or bare {@code --flag}, which is {@code true}) is handed to the
 * verticle as its deployment config ({@link #serviceConfig()}), so a service reads
 * {@code config().getString("config")} for {@code --config FILE} without its own argument parser.
 * Whole numbers arrive as numbers and true/false as booleans ({@link #typed}).
 */
public record LaunchOptions(
    String clusterName,
    String clusterHost,
    int clusterPort,
    List<String> members,
    int metricsPort,
    String metricsHost,
    Path kekFile,
    Path tlsKeystore,
    Path tlsCa,
    JsonObject serviceConfig) {

  public static final String AUTO_HOST = "auto";

  private static final java.util.regex.Pattern WHOLE_NUMBER = java.util.regex.Pattern.compile("-?[0-9]{1,18}");

  public LaunchOptions {
    members = List.copyOf(members);
    serviceConfig = serviceConfig.copy();
    if (clusterPort < 1 || clusterPort > 65535) {
      throw new IllegalArgumentException("--cluster-port must be 1-65535, got " + clusterPort);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0 (off) or 1-65535, got " + metricsPort);
    }
  }

  /** Defaults only: loopback member, metrics off. What tests use. */
  public static LaunchOptions defaults() {
    return parse(new String[0], Map.of());
  }

  public static LaunchOptions fromCommandLine(String[] args) {
    return parse(args, System.getenv());
  }

  /**
   * @throws IllegalArgumentException with a message naming the flag when a value is missing or not a
   *     number; the launcher prints it and exits non-zero.
   */
  public static LaunchOptions parse(String[] args, Map<String, String> env) {
    JsonObject flags = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + a + "' (flags are --name value)");
      }
      String name = a.substring(2);
      int eq = name.indexOf('=');
      if (eq > 0) {
        flags.put(name.substring(0, eq), typed(name.substring(eq + 1)));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        flags.put(name, typed(args[++i]));
      } else {
        flags.put(name, true);
      }
    }
    String clusterName = take(flags, "cluster-name", env, "IPSECMESH_CLUSTER_NAME", "ipsec-mesh");
    String clusterHost = take(flags, "cluster-host", env, "IPSECMESH_CLUSTER_HOST", "127.0.0.1");
    int clusterPort = number(take(flags, "cluster-port", env, "IPSECMESH_CLUSTER_PORT", "5701"), "--cluster-port");
    String members = take(flags, "members", env, "IPSECMESH_MEMBERS", "127.0.0.1");
    int metricsPort = number(take(flags, "metrics-port", env, "IPSECMESH_METRICS_PORT", "0"), "--metrics-port");
    String metricsHost = take(flags, "metrics-host", env, "IPSECMESH_METRICS_HOST", "127.0.0.1");
    String kekFile = take(flags, "kek-file", env, "IPSECMESH_KEK_FILE", "");
    String tlsKeystore = take(flags, "tls-keystore", env, "IPSECMESH_TLS_KEYSTORE", "");
    String tlsCa = take(flags, "tls-ca", env, "IPSECMESH_TLS_CA", "");
    List<String> memberList = new ArrayList<>();
    for (String m : members.split(",")) {
      if (!m.isBlank()) {
        memberList.add(m.strip());
      }
    }
    return new LaunchOptions(clusterName, clusterHost, clusterPort, memberList, metricsPort, metricsHost,
        kekFile.isEmpty() ? null : Path.of(kekFile), tlsKeystore.isEmpty() ? null : Path.of(tlsKeystore),
        tlsCa.isEmpty() ? null : Path.of(tlsCa), flags);
  }

  public LaunchOptions withMetricsPort(int port) {
    return new LaunchOptions(clusterName, clusterHost, clusterPort, members, port, metricsHost, kekFile, tlsKeystore, tlsCa, serviceConfig);
  }

  public LaunchOptions withClusterName(String name) {
    return new LaunchOptions(name, clusterHost, clusterPort, members, metricsPort, metricsHost, kekFile, tlsKeystore, tlsCa, serviceConfig);
  }

  public LaunchOptions withCluster(int port, List<String> joinMembers) {
    return new LaunchOptions(clusterName, clusterHost, port, joinMembers, metricsPort, metricsHost, kekFile, tlsKeystore, tlsCa, serviceConfig);
  }

  public LaunchOptions withServiceConfig(JsonObject config) {
    return new LaunchOptions(clusterName, clusterHost, clusterPort, members, metricsPort, metricsHost, kekFile, tlsKeystore, tlsCa, config);
  }

  /** The KEK file to load ({@code --kek-file}), or null for none. */
  public LaunchOptions withKekFile(Path file) {
    return new LaunchOptions(clusterName, clusterHost, clusterPort, members, metricsPort, metricsHost, file, tlsKeystore, tlsCa,
        serviceConfig);
  }

  /** TLS on the clustered event bus with this member's keystore and the cluster CA ({@code --tls-*}). */
  public LaunchOptions withTls(Path keystore, Path ca) {
    return new LaunchOptions(clusterName, clusterHost, clusterPort, members, metricsPort, metricsHost, kekFile, keystore,
        ca, serviceConfig);
  }

  public boolean autoHost() {
    return AUTO_HOST.equals(clusterHost);
  }

  /**
   * A flag value as JSON would carry it: whole numbers as numbers and true/false as booleans, so a
   * verticle reads {@code config().getInteger("port")} as it would from a JSON deployment config
   * ({@code getString} still works on any of them).
   */
  static Object typed(String v) {
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    if (WHOLE_NUMBER.matcher(v).matches()) {
      long n = Long.parseLong(v);
      return n == (int) n ? Integer.valueOf((int) n) : Long.valueOf(n);
    }
    return v;
  }

  private static String take(JsonObject flags, String flag, Map<String, String> env, String var, String dflt) {
    Object v = flags.remove(flag);
    if (v instanceof Boolean) {
      throw new IllegalArgumentException("--" + flag + " needs a value");
    }
    if (v != null) {
      return String.valueOf(v);
    }
    String e = env.get(var);
    return e == null || e.isBlank() ? dflt : e.strip();
  }

  private static int number(String v, String flag) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got '" + v + "'");
    }
  }
}

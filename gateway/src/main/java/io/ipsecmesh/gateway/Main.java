package io.ipsecmesh.gateway;

import io.ipsecmesh.config.lang.ConfigCheck;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.KekFile;
import io.ipsecmesh.proto.kek.ProcessKek;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.tls.ClusterTls;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.runtime.RunningService;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code ipsec-mesh} command line. */
public final class Main {

  static final String USAGE = """
      usage: ipsec-mesh COMMAND
        run [--config FILE] [flags]     run the gateway: every service in this JVM, embedded Hazelcast member
                                        (without --config: the embedded example configuration)
        config check [--show] FILE...   validate configuration files; errors as FILE:LINE: message
        config apply FILE               replace the running gateway's configuration (kept only when valid)
        exec "IOS EXEC COMMAND"         e.g. exec "show crypto ipsec sa" against the running gateway
        demo                            three gateways on loopback: IKEv2 tunnel, DPD, failover (no root)
        kek init FILE                   create a cluster KEK file (mode 0600) to give every member (--kek-file)
        tls init --kek-file F DIR NAME...  a cluster CA (DIR/ca.p12, DIR/ca.pem) and a certificate per member
                                        (DIR/NAME/member.p12, DIR/NAME/ca.pem) for the event bus's mutual TLS
        version

      run flags: --api-host ADDR (127.0.0.1)  --api-port N (8300, 0 = any)  --api-file FILE (~/.ipsec-mesh/api.json)
                 --api-token T  --metrics-port N (9400, 0 = off)  --cluster-name NAME  --cluster-host ADDR|auto
                 --cluster-port N (5701)  --members HOST[:PORT],...  --watch-ms N
                 --kek-file FILE (IPSECMESH_KEK_FILE; default ~/.ipsec-mesh/kek, created on first run)
                 --tls-keystore FILE --tls-ca FILE (default ~/.ipsec-mesh/tls/run/, created on first run)
      exec/config apply: --api-file FILE (or IPSECMESH_API_FILE)
      """;

  private Main() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != Integer.MIN_VALUE) {
      System.exit(status);
    }
  }

  /**
   * The command line without {@code System.exit}, for tests and embedding.
   *
   * @return the exit status, or {@link Integer#MIN_VALUE} when the gateway keeps running
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return 64;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "run" -> runGateway(rest, err);
      case "config" -> config(rest, out, err);
      case "exec" -> exec(rest, out, err);
      case "demo" -> Demo.run(rest, out, err);
      case "kek" -> kek(rest, out, err);
      case "tls" -> tls(rest, out, err);
      case "version" -> {
        out.println("ipsec-mesh " + Metrics.version() + " (Java " + Runtime.version() + ")");
        yield 0;
      }
      case "help", "--help", "-h" -> {
        out.print(USAGE);
        yield 0;
      }
      default -> {
        err.println("ipsec-mesh: unknown command '" + args[0] + "'");
        err.print(USAGE);
        yield 64;
      }
    };
  }

  private static int runGateway(String[] args, PrintStream err) {
    List<String> a = new ArrayList<>(List.of(args));
    if (!a.contains("--metrics-port") && a.stream().noneMatch(s -> s.startsWith("--metrics-port="))
        && System.getenv("IPSECMESH_METRICS_PORT") == null) {
      a.add("--metrics-port");
      a.add(Integer.toString(GatewayRunner.DEFAULT_METRICS_PORT));
    }
    try {
      LaunchOptions options = LaunchOptions.fromCommandLine(a.toArray(String[]::new));
      if (options.kekFile() == null && ProcessKek.fromEnvironment() == null) {
        // run alone keeps its own KEK under its state directory; a cluster's members get one file
        Path kekFile = stateDir().resolve("kek");
        KekFile.loadOrCreate(kekFile);
        err.println("ipsec-mesh: KEK from " + kekFile);
        options = options.withKekFile(kekFile);
      }
      if (options.tlsKeystore() == null && options.tlsCa() == null) {
        // and its own cluster CA + member certificate for the event bus's mutual TLS
        Kek kek = options.kekFile() != null ? KekFile.load(options.kekFile()) : ProcessKek.fromEnvironment();
        ClusterTls.Member m = ClusterTls.loadOrCreate(stateDir().resolve("tls-" + kek.proof().substring(0, 8)), kek);
        err.println("ipsec-mesh: event-bus TLS with " + m.keystore());
        options = options.withTls(m.keystore(), m.caCert());
      }
      RunningService running = GatewayRunner.start(options, ServiceCatalog.VERTICLES, err).await(120, TimeUnit.SECONDS);
      ServiceLauncher.closeOnShutdown(running);
      if (running.metrics() != null) {
        err.println("ipsec-mesh: Prometheus metrics on http://" + options.metricsHost() + ":" + running.metrics().getPort()
            + "/metrics");
      }
      return Integer.MIN_VALUE;
    } catch (Exception e) {
      err.println("ipsec-mesh: cannot start: " + message(e));
      return 1;
    }
  }

  /** {@code kek init FILE}: a new random KEK, mode 0600, never over an existing file. */
  private static int kek(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2 || !args[0].equals("init")) {
      err.println("usage: ipsec-mesh kek init FILE");
      return 64;
    }
    Path file = Path.of(args[1]);
    try {
      Kek k = KekFile.create(file);
      out.println("ipsec-mesh: new KEK in " + file + " (mode 0600, proof " + k.proof() + "); give every member of the "
          + "cluster this file: --kek-file " + file);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("ipsec-mesh: " + e.getMessage());
      return 1;
    }
  }

  /** {@code tls init --kek-file F DIR NAME...}: the cluster CA (once) and a member certificate per name. */
  private static int tls(String[] args, PrintStream out, PrintStream err) {
    List<String> a = new ArrayList<>(List.of(args));
    Path kekFile = null;
    int i = a.indexOf("--kek-file");
    if (i >= 0 && i + 1 < a.size()) {
      kekFile = Path.of(a.get(i + 1));
      a.subList(i, i + 2).clear();
    } else if (System.getenv("IPSECMESH_KEK_FILE") != null) {
      kekFile = Path.of(System.getenv("IPSECMESH_KEK_FILE"));
    }
    if (a.size() < 3 || !a.get(0).equals("init") || kekFile == null) {
      err.println("usage: ipsec-mesh tls init --kek-file KEK DIR NAME...   (the keystores open only with that KEK)");
      return 64;
    }
    try {
      Kek kek = KekFile.load(kekFile);
      Path dir = Path.of(a.get(1));
      for (ClusterTls.Member m : ClusterTls.init(dir, kek, a.subList(2, a.size()))) {
        out.println("ipsec-mesh: " + m.keystore() + " (mode 0600) and " + m.caCert() + ": give them to that member as "
            + "--tls-keystore and --tls-ca");
      }
      out.println("ipsec-mesh: the CA key is " + dir.resolve(ClusterTls.CA_KEYSTORE) + ": keep it off the members");
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("ipsec-mesh: " + e.getMessage());
      return 1;
    }
  }

  /** Where {@code run} keeps what it creates for itself: {@code IPSECMESH_STATE_DIR}, else ~/.ipsec-mesh. */
  static Path stateDir() {
    String dir = System.getenv("IPSECMESH_STATE_DIR");
    return dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".ipsec-mesh") : Path.of(dir);
  }

  private static int config(String[] args, PrintStream out, PrintStream err) {
    if (args.length >= 1 && args[0].equals("check")) {
      return ConfigCheck.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length >= 2 && args[0].equals("apply")) {
      Args a = Args.of(Arrays.copyOfRange(args, 1, args.length));
      if (a.words().size() != 1) {
        err.println("usage: ipsec-mesh config apply [--api-file FILE] FILE");
        return 64;
      }
      Path file = Path.of(a.words().getFirst());
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println(file + ":0: cannot read: " + e.getMessage());
        return 1;
      }
      String name = file.getFileName().toString().replaceAll("[^\\w./-]", "_");
      return call(a.apiFile(), "/config?name=" + name, text, out, err);
    }
    err.println("usage: ipsec-mesh config check [--show] FILE...  |  ipsec-mesh config apply FILE");
    return 64;
  }

  private static int exec(String[] args, PrintStream out, PrintStream err) {
    Args a = Args.of(args);
    if (a.words().isEmpty()) {
      err.println("usage: ipsec-mesh exec [--api-file FILE] \"IOS EXEC COMMAND\"");
      return 64;
    }
    return call(a.apiFile(), "/exec", String.join(" ", a.words()), out, err);
  }

  /** Success: the body on stdout, exit 0. Refused: the body on stderr, exit 1. No gateway: exit 2. */
  static int call(Path apiFile, String path, String body, PrintStream out, PrintStream err) {
    try {
      ApiClient.Response r = ApiClient.fromFile(apiFile).post(path, body);
      (r.ok() ? out : err).print(r.body());
      return r.ok() ? 0 : 1;
    } catch (ApiClient.ApiUnavailable e) {
      err.println("ipsec-mesh: " + e.getMessage());
      return e.exitCode;
    }
  }

  static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** {@code --api-file FILE} anywhere, everything else kept in order as words. */
  record Args(Path apiFile, List<String> words) {
    static Args of(String[] args) {
      Path apiFile = ApiClient.defaultApiFile();
      List<String> words = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--api-file") && i + 1 < args.length) {
          apiFile = Path.of(args[++i]);
        } else {
          words.add(args[i]);
        }
      }
      return new Args(apiFile, words);
    }
  }
}

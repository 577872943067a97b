package io.ipsecmesh.it;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.testsupport.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services of one gateway as separate JVMs in one namespace, as in production (one Hazelcast cluster on the
 * namespace's loopback, one KEK file from {@code ipsec-mesh kek init}, one certificate per member from
 * {@code ipsec-mesh tls init}): what the takeover tests share. {@link #close()} stops every JVM it started.
 */
final class SplitServices implements AutoCloseable {

  static final Duration START = Duration.ofSeconds(120);

  private final String ns;
  private final String members;
  private final Path kekFile;
  private final Path tls;
  private final List<ChildJvm> started = new ArrayList<>();

  /**
   * Makes the KEK and the TLS material of {@code tlsNames} under {@code run}/secrets.
   *
   * @param ports the Hazelcast ports of every member to be started (their join list)
   */
  SplitServices(Path run, String ns, List<Integer> ports, String... tlsNames) {
    this.ns = ns;
    this.members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    this.kekFile = run.resolve("secrets").resolve("kek");
    this.tls = run.resolve("secrets").resolve("tls");
    check(cli("kek", "init", kekFile.toString()), "kek init");
    List<String> args = new ArrayList<>(List.of("tls", "init", "--kek-file", kekFile.toString(), tls.toString()));
    args.addAll(List.of(tlsNames));
    check(cli(args.toArray(String[]::new)), "tls init");
  }

  private static void check(int status, String what) {
    if (status != 0) {
      throw new AssertionError("ipsec-mesh " + what + " exited " + status);
    }
  }

  /** Starts {@code main} as JVM {@code name} in the namespace, with the certificate of {@code tlsName}. */
  ChildJvm start(String name, String tlsName, Class<?> main, int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--kek-file", kekFile.toString(), "--cluster-port",
        Integer.toString(port), "--members", members, "--tls-keystore",
        tls.resolve(tlsName).resolve("member.p12").toString(), "--tls-ca", tls.resolve(tlsName).resolve("ca.pem").toString()));
    args.addAll(List.of(extra));
    ChildJvm jvm = ChildJvm.startIn(ns, name, JvmFlags.ALL, main, args.toArray(String[]::new));
    started.add(jvm);
    return jvm;
  }

  List<ChildJvm> started() {
    return started;
  }

  /** Waits until {@code jvm} has printed {@code text}, before or after the lines already awaited. */
  static void awaitLogged(ChildJvm jvm, String text) throws InterruptedException {
    awaitOutput(jvm, output -> output.contains(text), "never logged '" + text + "'");
  }

  /**
   * Waits until every JVM started here last printed Hazelcast's member list with all of them in it: one cluster. On
   * a loaded host a member can be removed in the middle of its join and run alone until the merge check brings it
   * back (HazelcastConfigs, every few seconds); a test of something else starts from the whole cluster.
   */
  void awaitOneCluster() throws InterruptedException {
    for (ChildJvm jvm : started) {
      awaitOutput(jvm, output -> lastClusterSize(output) == started.size(),
          "never in one cluster with all " + started.size() + " members");
    }
  }

  /** Polls {@code jvm}'s output until {@code done} holds; after {@link #START} fails with all it printed. */
  private static void awaitOutput(ChildJvm jvm, Predicate<String> done, String failure) throws InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (!done.test(jvm.output())) {
      if (System.nanoTime() > deadline) {
        String output = jvm.output();
        throw new AssertionError(jvm.name() + " " + failure + ", last cluster size " + lastClusterSize(output)
            + "; its own last records:\n" + String.join("\n", lastOwnRecords(output)) + "\nits whole output:\n"
            + output);
      }
      Thread.sleep(100); // a poll of the child's output with a deadline, not a fixed wait
    }
  }

  private static int lastClusterSize(String output) {
    int at = output.lastIndexOf("Members {size:");
    if (at < 0) {
      return -1;
    }
    int from = at + "Members {size:".length();
    int to = output.indexOf(',', from);
    return to < 0 ? -1 : Integer.parseInt(output.substring(from, to).trim());
  }

  /** The records of its own a JVM shows at the head of a failure message: enough to follow an exchange. */
  static final int DIGEST_RECORDS = 25;
  /** The first line of a java.util.logging record (SimpleFormatter): its time and its logger. */
  private static final Pattern RECORD = Pattern.compile(
      "^[A-Z][a-z]{2} \\d{1,2}, \\d{4} (\\d{1,2}:\\d{2}:\\d{2} [AP]M) (\\S+)( .*)?$");

  /**
   * Per JVM: whether it still runs, the size of the cluster it saw last, and its last {@link #DIGEST_RECORDS} log
   * records besides those of Hazelcast, Vert.x and Netty (each with its time). A failure message starts with this
   * and ends with the whole outputs: what CI shows of a failure is its head, and seven outputs of Hazelcast's
   * start-up fill it before the gateway's first line.
   */
  String digest() throws InterruptedException {
    StringBuilder d = new StringBuilder();
    for (ChildJvm jvm : started) {
      String output = jvm.output();
      d.append("== ").append(jvm.name()).append(jvm.alive() ? "" : " (exited)").append(", last cluster size ")
          .append(lastClusterSize(output)).append('\n');
      lastOwnRecords(output).forEach(r -> d.append(r).append('\n'));
    }
    return d.toString();
  }

  /** Every JVM's whole output, after the {@link #digest()} in a failure message. */
  String wholeOutputs() throws InterruptedException {
    StringBuilder all = new StringBuilder();
    for (ChildJvm jvm : started) {
      all.append("== whole output of ").append(jvm.name()).append(":\n").append(jvm.output()).append('\n');
    }
    return all.toString();
  }

  /** The last {@link #DIGEST_RECORDS} of {@link #ownRecords}. */
  private static List<String> lastOwnRecords(String output) {
    List<String> own = ownRecords(output);
    return own.subList(Math.max(0, own.size() - DIGEST_RECORDS), own.size());
  }

  /** The records of {@code output} not logged by Hazelcast, Vert.x or Netty, each as "time message". */
  private static List<String> ownRecords(String output) {
    List<String> records = new ArrayList<>();
    String time = null;
    boolean own = true;
    for (String line : output.split("\n")) {
      Matcher m = RECORD.matcher(line);
      if (m.matches()) {
        time = m.group(1);
        String logger = m.group(2);
        own = !(logger.startsWith("com.hazelcast") || logger.startsWith("io.vertx") || logger.startsWith("io.netty"));
      } else if (own && !line.isBlank()) {
        records.add(time == null ? line : time + " " + line);
      }
    }
    return records;
  }

  /** {@code ipsec-mesh ARGS} in this JVM; its exit status. */
  static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(sink, true, StandardCharsets.UTF_8);
    return io.ipsecmesh.gateway.Main.run(args, p, p);
  }

  @Override
  public void close() {
    for (ChildJvm s : started.reversed()) {
      s.close();
    }
  }
}

package io.ipsecmesh.gateway;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stands in for the gateway jar's {@code Main} in {@link LauncherAotCacheTest}: {@code bin/ipsec-mesh}'s AOT
 * cache paths need a jar-only class path (the JVM refuses to record classes from directories), and the real
 * gateway jar is made after the tests run. {@code version} prints the JVM's AOT options and exits; {@code run}
 * does some work, says so and waits to be stopped, as a training run of the gateway does.
 */
public final class AotTrainee {

  private AotTrainee() {}

  public static void main(String[] args) throws InterruptedException {
    String aot = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:AOT")).reduce((a, b) -> a + " " + b).orElse("none");
    if (args.length > 0 && args[0].equals("run")) {
      Map<String, Integer> words = new HashMap<>();
      Pattern word = Pattern.compile("[a-z]+");
      for (int i = 0; i < 20_000; i++) {
        word.matcher("crypto map cmap " + i + " ipsec-isakmp").results()
            .forEach(m -> words.merge(m.group(), 1, Integer::sum));
      }
      System.out.println("trainee running " + String.join(" ", args) + " (" + words.size() + " words), aot: " + aot);
      System.out.flush();
      Thread.sleep(120_000);
      return;
    }
    System.out.println("trainee " + String.join(" ", args) + ", aot: " + aot);
  }
}

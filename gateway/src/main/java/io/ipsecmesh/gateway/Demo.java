package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ipsec-mesh demo}: three gateways as three JVMs on loopback, no root needed (see {@link DemoStory}):
 * an IKEv2 tunnel from site A to hub B carries traffic, B goes silent, A's DPD declares it dead on
 * schedule and fails over to backup hub C, traffic flows again; show commands prove each step. Every
 * gateway is stopped at the end, also on Ctrl-C; their logs stay in the printed directory.
 */
final class Demo {

  private Demo() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ipsec-mesh-demo-");
    } catch (IOException e) {
      err.println("ipsec-mesh demo: cannot create a work directory: " + e.getMessage());
      return 1;
    }
    out.println("ipsec-mesh demo: DPD and failover on loopback, work directory " + dir);
    DemoStory story = new DemoStory(out, dir);
    // Ctrl-C: no gateway JVM may outlive the demo (a SIGSTOPped one would hang around for good)
    Thread hook = new Thread(() -> {
      story.sites().forEach(DemoSite::kill);
      err.println("ipsec-mesh demo: interrupted, gateways killed; logs in " + dir);
    }, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DemoStory.Milestones m = story.run();
      out.println();
      out.printf("ipsec-mesh demo: tunnel A-B up in %.1f s (%d round trips, encaps %d / decaps %d), B dead %.1f s"
          + " after going silent (bound %d s), traffic through C %.1f s later (%d round trips, encaps %d /"
          + " decaps %d)%n", m.tunnelUpSeconds(), m.roundTripsViaB(), m.encapsViaB(), m.decapsViaB(),
          m.deadAfterSeconds(), DemoStory.DEAD_BOUND_SECONDS, m.failoverSeconds(), m.roundTripsViaC(),
          m.encapsViaC(), m.decapsViaC());
      return 0;
    } catch (DemoFailure e) {
      err.println("ipsec-mesh demo: " + e.getMessage());
      return 1;
    } finally {
      story.sites().forEach(DemoSite::stop);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
      out.println("ipsec-mesh demo: gateways stopped; logs in " + dir);
    }
  }
}

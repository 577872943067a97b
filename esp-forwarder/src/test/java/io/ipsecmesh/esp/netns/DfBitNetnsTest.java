package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.Sh;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code crypto ipsec df-bit clear|set|copy} on the wire: the DF bit of the outer packets gateway A
 * sends, captured on its wan0 for every setting and both inner DF values; and the LAN-to-LAN
 * throughput with {@code copy} (the default, a mode switch only when the inner DF changes) next to
 * {@code set} (one mode, never switched).
 */
class DfBitNetnsTest extends DfBitNetnsTopology {

  @Override
  String kind() {
    return "df";
  }

  @ParameterizedTest(name = "df-bit {0}, inner DF {1}: outer DF {2}")
  @CsvSource({
      "CLEAR, false, false", "CLEAR, true, false",
      "SET, false, true", "SET, true, true",
      "COPY, false, false", "COPY, true, true"})
  void outerDfBitOnTheWire(String setting, boolean innerDf, boolean outerDf) throws Exception {
    policy(true, setting, "BEFORE_ENCRYPTION", WAN_MTU);
    List<String[]> rows;
    Sh.Result r;
    try (Capture wan = capture(gwa, "wan0", "udp port 4500")) {
      Sh.Result ping = ping(3, 200, innerDf);
      assertTrue(ping.ok(), "ping through the tunnel: " + ping.output() + logs());
      rows = wan.rows("ip.src", "ip.flags.df");
      r = ping;
    }
    List<String[]> fromA = rows.stream().filter(f -> f[0].equals(WAN_A)).toList();
    assertFalse(fromA.isEmpty(), "no ESP from A captured: " + rows.stream().map(List::of).toList() + " " + r);
    for (String[] f : fromA) {
      assertEquals(outerDf, flag(f[1]), "outer DF of an ESP packet from A");
    }
    System.out.printf("df-bit %s, inner DF %d: %d outer packets from A, ip.flags.df=%s%n", setting.toLowerCase(),
        innerDf ? 1 : 0, fromA.size(), fromA.get(0)[1]);
  }

  @Test
  void copyCostsNoThroughput() throws Exception {
    assumeTrue(Sh.have("iperf3"), "iperf3 not installed");
    // the first run also finds the path MTU (DF drops + ICMP) and warms both JVMs up: not measured
    iperf("COPY");
    long switches = DfBitNetnsTopology.stat(statsA(), "switches");
    double set = iperf("SET");
    double copy = iperf("COPY");
    String stats = statsA();
    // set → copy is one switch; TCP's packets all carry DF, so copy switches no more
    assertTrue(DfBitNetnsTopology.stat(stats, "switches") - switches <= 4, "mode switches: " + stats);
    System.out.printf("LAN-to-LAN iperf3 -t 3 over wan0 MTU %d: df-bit set %.0f Mbit/s, df-bit copy %.0f Mbit/s"
        + " (copy/set %.2f); %s%n", WAN_MTU, set, copy, copy / set, stats);
    assertTrue(set > 1 && copy > 1, "throughput " + set + " / " + copy);
  }

  private double iperf(String setting) throws Exception {
    policy(true, setting, "BEFORE_ENCRYPTION", WAN_MTU);
    Process server = new ProcessBuilder(Sh.inNs(lanb, "timeout", "30", "iperf3", "-s", "-1", "-B", HOST_B))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      for (int i = 0; i < 100 && Sh.run(5, Sh.inNs(lanb, "ss", "-Hltn", "sport = :5201").toArray(String[]::new))
          .output().isBlank(); i++) {
        server.waitFor(100, TimeUnit.MILLISECONDS);
      }
      Sh.Result client = Sh.run(25, Sh.inNs(lana, "iperf3", "-c", HOST_B, "-t", "3", "-J").toArray(String[]::new));
      assertTrue(client.ok(), "iperf3: " + client.output() + logs());
      return new JsonObject(client.output()).getJsonObject("end").getJsonObject("sum_received")
          .getDouble("bits_per_second") / 1e6;
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** tshark prints a flag as 1/0 or True/False depending on its version. */
  static boolean flag(String v) {
    return v.equals("1") || v.equalsIgnoreCase("true");
  }
}

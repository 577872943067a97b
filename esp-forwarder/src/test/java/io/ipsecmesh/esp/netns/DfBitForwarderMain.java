package io.ipsecmesh.esp.netns;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.frag.FragmentStats;
import io.ipsecmesh.esp.frag.TunnelMtuPolicy;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway of the DF-bit / pre-fragmentation / access-check namespace tests, in a child JVM under
 * {@code ip netns exec}: the manual-key tunnel of {@link ManualKeyConfigs} on TUN {@code ipsec0},
 * whose egress interface wan0 gets new {@code crypto ipsec df-bit}, {@code crypto ipsec
 * fragmentation} and {@code ip mtu} lines from stdin ({@code POLICY CLEAR|SET|COPY
 * BEFORE_ENCRYPTION|AFTER_ENCRYPTION MTU}, published as a new configuration version; answered with
 * {@code POLICY-OK} once the outbound pipeline runs with it). {@code STATS} prints the pipeline's
 * fragmentation counters, {@code ACCESS} the clear-text drops of the access check as the forwarder
 * reads them from nftables. Arguments as {@link NetnsForwarderMain}: {@code a|b WAN PEER LOCALNET REMOTENET}.
 */
public final class DfBitForwarderMain {

  private DfBitForwarderMain() {}

  static GatewayConfig withWan(GatewayConfig c, DfBit df, Fragmentation frag, int mtu) {
    InterfaceConfig w = c.interfaces().get(0);
    InterfaceConfig wan = new InterfaceConfig(w.name(), w.ipAddress(), w.mask(), mtu, w.cryptoMap(), df, null, frag);
    return c.toBuilder().interfaces(List.of(wan)).build();
  }

  public static void main(String[] args) throws Exception {
    String role = args[0];
    GatewayConfig base = role.equals("a")
        ? ManualKeyConfigs.gatewayA(args[1], args[2], args[3], args[4])
        : ManualKeyConfigs.gatewayB(args[1], args[2], args[3], args[4]);
    AtomicLong version = new AtomicLong(1);
    ForwarderChild.start(role, new JsonObject(), base, 1, List.of(args[4]), (vertx, forwarder) ->
        Thread.ofPlatform().daemon().start(() -> commands(vertx, forwarder, base, version)));
  }

  private static void commands(Vertx vertx, EspForwarderVerticle forwarder, GatewayConfig base, AtomicLong version) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        String[] w = line.trim().split("\\s+");
        if (w[0].equals("POLICY")) {
          DfBit df = DfBit.valueOf(w[1]);
          Fragmentation frag = Fragmentation.valueOf(w[2]);
          int mtu = Integer.parseInt(w[3]);
          GatewayConfig next = withWan(base, df, frag, mtu);
          TunnelMtuPolicy want = TunnelMtuPolicy.of(next);
          long v = version.incrementAndGet();
          vertx.runOnContext(x -> vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
              new ConfigMessages.ConfigChanged(v, next)));
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (!want.equals(forwarder.dataPlane().outbound().mtuPolicy()) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          }
          System.out.println(want.equals(forwarder.dataPlane().outbound().mtuPolicy())
              ? "POLICY-OK " + want : "POLICY-FAILED " + want);
        } else if (w[0].equals("ACCESS")) {
          var check = forwarder.accessCheck();
          String error = check == null ? "access check off" : check.poll();
          System.out.println("ACCESS total=" + (check == null ? -1 : check.total())
              + (error == null ? "" : " error=" + error.replace('\n', ' ')));
        } else if (w[0].equals("STATS")) {
          FragmentStats s = forwarder.dataPlane().outbound().fragmentStats();
          var sa = forwarder.dataPlane().sad().pairs().get(0);
          System.out.println("FSTATS before=" + s.fragmentedBeforeEncryption + " fragments=" + s.fragmentsSent
              + " after=" + s.fragmentedAfterEncryption + " dfDrops=" + s.dfDrops + " icmp=" + s.icmpSent
              + " switches=" + forwarder.dataPlane().outbound().udpSender().switches()
              + " encaps=" + sa.outbound().encaps() + " decaps=" + sa.inbound().decaps());
        }
        System.out.flush();
      }
    } catch (java.io.IOException e) {
      System.out.println("stdin: " + e);
    }
  }
}

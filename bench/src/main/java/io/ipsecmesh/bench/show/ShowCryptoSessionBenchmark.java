package io.ipsecmesh.bench.show;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.config.show.ShowCryptoSession;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code show crypto session} over the 100 000 IKE SAs of {@code ike-100k.sh} (issue 14 item 2): each with one Child
 * SA, the load-tester's configuration. {@code peers = 1} is that run (every IKE SA from the load-tester's one address
 * and port), {@code peers = 100000} one IKE SA per peer address. The rows arrive in no order, as the followed tables
 * hand them out. One operation renders the whole listing into its parts (what the management API then sends):
 * {@code renderPrinted} from rows as the gateway's tables keep them (each printed when decoded, its peer one string
 * per address), {@code renderParts} from the records alone. Use {@code -prof gc} for the garbage one call leaves.
 *
 * <pre>java -jar bench/target/benchmarks.jar ShowCryptoSessionBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ShowCryptoSessionBenchmark {

  @State(Scope.Benchmark)
  public static class Sessions {
    @Param({"1", "100000"})
    int peers;

    @Param("100000")
    int ikeSas;

    GatewayConfig config;
    List<IkeSaSummary> ike;
    List<ChildSa> child;
    List<ShowCryptoSession.Printed<IkeSaSummary>> ikePrinted;
    List<ShowCryptoSession.Printed<ChildSa>> childPrinted;

    @Setup
    public void setUp() {
      config = ConfigParser.parse("lt.cfg", """
          crypto ikev2 proposal LT
           encryption aes-gcm-128
           prf sha256
           group 31
          crypto ikev2 policy POL
           proposal LT
          crypto ikev2 keyring KR
           peer ldt
            address 172.31.255.1
            pre-shared-key lt-secret
          crypto ikev2 profile PROF
           match identity remote fqdn domain strongswan.org
           authentication local pre-share
           authentication remote pre-share
           keyring local KR
          crypto ipsec transform-set TS esp-gcm 128
          crypto map VPN 10 ipsec-isakmp
           set peer 172.31.255.1
           set transform-set TS
           set ikev2-profile PROF
           match address 101
          interface wan0
           ip address 172.31.255.2 255.255.255.252
           crypto map VPN
          interface lan0
           ip address 10.91.2.1 255.255.255.0
          access-list 101 permit ip 10.91.2.0 0.0.0.255 10.91.1.0 0.0.0.255
          end
          """).config();
      ike = new ArrayList<>(ikeSas);
      child = new ArrayList<>(ikeSas);
      for (int i = 0; i < ikeSas; i++) {
        String peer = peers == 1 ? "172.31.255.1" : Ipv4.toText(0x0A00_0000L + i % peers);
        String id = String.format("%016x:%016x", 0x1000L + i, 0x2000L + i);
        ike.add(new IkeSaSummary(id, peer, "172.31.255.2", "READY", i + 1, "ACTIVE", "c" + i + "-r1.strongswan.org", 2,
            500, 500, "responder", 0));
        child.add(new ChildSa(id, i + 1, "VPN", 10, 0xc000_0000L + i, 0xd000_0000L + i, EspTransform.AES_GCM_128,
            ChildSa.Mode.TUNNEL, false, false, 64, "172.31.255.2", 500, peer, 500,
            List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
            List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")),
            new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0], 0));
      }
      Collections.shuffle(ike, new Random(1));
      Collections.shuffle(child, new Random(2));
      ikePrinted = ike.stream().map(sa -> kept(ShowCryptoSession.IKE_SAS, sa)).toList();
      childPrinted = child.stream().map(sa -> kept(ShowCryptoSession.CHILD_SAS, sa)).toList();
    }
  }

  /** A row as the gateway's tables keep it (SaTables): printed when decoded, one string per peer address. */
  record Kept<T>(T value, String peer, String line) implements ShowCryptoSession.Printed<T> {}

  static <T> ShowCryptoSession.Printed<T> kept(ShowCryptoSession.Listing<T> listing, T sa) {
    return new Kept<>(sa, listing.peer(sa).intern(), listing.line(sa));
  }

  /** The listing from the records alone: every row printed in the call. */
  @Benchmark
  public List<String> renderParts(Sessions s) {
    return ShowCryptoSession.renderParts(s.config, s.ike, s.child);
  }

  /** What the gateway's command does: the rows' lines were printed when the rows were decoded (SaTables). */
  @Benchmark
  public List<String> renderPrinted(Sessions s) {
    return ShowCryptoSession.renderPrinted(s.config, s.ikePrinted, s.childPrinted);
  }
}

package io.ipsecmesh.bench.ike;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.runtime.HazelcastConfigs;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Hazelcast writes ike-service makes per IKE SA, on a lone embedded member configured as {@code ipsec-mesh
 * run}'s (HazelcastConfigs, no join): one {@code ipsec.child-sa} put of a Child SA record and one {@code
 * ipsec.ike-sa} put of a row, {@code listener=true} with the forwarder's entry listener (value included) on
 * the Child SA map as in the gateway. The time is the caller's (the worker thread {@code executeBlocking} runs it
 * on); Hazelcast's partition and event threads work on beside it, and the per-SA CPU of the whole process is
 * what {@code ike-loadtest.sh} measures. It binds 127.0.0.1:25701 (or the next free port), outside the range the
 * tests' clusters use; run it under the heavy-test lock all the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IkeMapWriteBenchmark {

  @Param({"false", "true"})
  public boolean listener;

  private HazelcastInstance hz;
  private IMap<String, String> childSas;
  private IMap<String, String> ikeSas;
  private String childJson;
  private final AtomicLong spi = new AtomicLong(0xc0000000L);
  private final AtomicLong events = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    // a port range no test joins (5701+ is theirs), no join: a lone member
    Config config = HazelcastConfigs.member(LaunchOptions.defaults().withCluster(25701, List.of())
        .withClusterName("bench-" + ProcessHandle.current().pid()));
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hz = Hazelcast.newHazelcastInstance(config);
    childSas = hz.getMap(SharedMaps.CHILD_SAS);
    ikeSas = hz.getMap(SharedMaps.IKE_SAS);
    if (listener) {
      childSas.addEntryListener((EntryAddedListener<String, String>) e -> events.incrementAndGet(), true);
    }
    KeyWrap wrap = new KeyWrap(new byte[32]);
    ChildSa sa = new ChildSa("1122334455667788:99aabbccddeeff01", 1000, "VPN", 10, 0xc0000001L, 0xd0000001L,
        EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, false, true, 64, "172.31.255.1", 500, "172.31.255.2", 0,
        List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")),
        List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", wrap.wrap(new byte[20]),
        wrap.wrap(new byte[20]), 1_700_000_000_000L);
    childJson = RecordJson.toJson(sa).encode();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hz.shutdown();
  }

  /** One {@code ipsec.child-sa} put (a new key each time, as every Child SA has its own SPI): ike-service before. */
  @Benchmark
  public String putChildSa() {
    return childSas.put(SharedMaps.spiKey(spi.incrementAndGet() & 0xffffffffL), childJson);
  }

  /** The same without waiting for the previous value ({@code set}): what a write needs when nobody reads the old one. */
  @Benchmark
  public void setChildSa() {
    childSas.set(SharedMaps.spiKey(spi.incrementAndGet() & 0xffffffffL), childJson);
  }

  /**
   * Sixteen Child SA records in one {@code putAll}, per record: what {@code SharedMapWriter} does with the writes
   * that arrive while a batch is being written (under load; a lone write is a put).
   */
  @Benchmark
  @OperationsPerInvocation(16)
  public void putAllChildSas16() {
    java.util.Map<String, String> batch = new java.util.HashMap<>();
    for (int i = 0; i < 16; i++) {
      batch.put(SharedMaps.spiKey(spi.incrementAndGet() & 0xffffffffL), childJson);
    }
    childSas.putAll(batch);
  }

  /** One {@code ipsec.ike-sa} row put. */
  @Benchmark
  public String putIkeSa() {
    return ikeSas.put(Long.toHexString(spi.incrementAndGet()), childJson);
  }
}

package io.ipsecmesh.bench.ike;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeCheckpoint;
import io.ipsecmesh.proto.sa.IkeCheckpointCodec;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What ike-service spends on the event loop per IKE SA checkpoint (issue 13): the Child SA records as the
 * engine's capture writes them (RecordJson, MAC'd, keys sealed), the binary encoding and the AES-GCM seal of the
 * whole record bound to its IKE SA id — and what the adopter spends to open one. The Hazelcast put happens off
 * the event loop and is not included. {@code children}: Child SAs of the IKE SA.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IkeCheckpointBenchmark {

  @Param({"1", "4"})
  public int children;

  private List<ChildSa> childSas;
  private IkeCheckpoint template;
  private List<String> childJson;
  private SecretBox box;
  private String sealed;

  @Setup(Level.Trial)
  public void setUp() {
    KeyWrap wrap = new KeyWrap(new byte[32]);
    String id = IkeCheckpoint.idOf(0x1122334455667788L, 0x99aabbccddeeff01L);
    childSas = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      childSas.add(new ChildSa(id, 1000, "VPN", 10, 0xc0000000L + i, 0xd0000000L + i, EspTransform.AES_GCM_128,
          ChildSa.Mode.TUNNEL, false, true, 64, "172.31.255.1", 500, "172.31.255.2", 0,
          List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")),
          List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
          new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", wrap.wrap(new byte[20]),
          wrap.wrap(new byte[20]), 1_700_000_000_000L));
    }
    template = checkpoint(List.of());
    childJson = new ArrayList<>();
    for (ChildSa c : childSas) {
      childJson.add(RecordJson.toJson(c).encode());
    }
    box = new SecretBox(new Kek(new byte[32], "bench"), IkeCheckpointCodec.SEAL_PURPOSE);
    sealed = IkeCheckpointCodec.seal(box, capture());
  }

  private IkeCheckpoint checkpoint(List<String> childJson) {
    // AES-128-GCM / PRF-HMAC-SHA256: SK_d, SK_pi, SK_pr 32 bytes each, SK_ei, SK_er 20 (key + salt), no SK_a
    return new IkeCheckpoint(true, 0x1122334455667788L, 0x99aabbccddeeff01L, 1000, 1_700_000_000_000L,
        1_700_086_400_000L, "VPN", 10, "172.31.255.1", 500, "172.31.255.2", 500, false, false, "172.31.255.2", 20,
        128, 5, 0, 19, new byte[3 * 32 + 2 * 20], 12, 7, 5, 4, new byte[32], new byte[96], childJson, "ike-1", 9);
  }

  private IkeCheckpoint capture() {
    List<String> json = new ArrayList<>(childSas.size());
    for (ChildSa c : childSas) {
      json.add(RecordJson.toJson(c).encode());
    }
    return checkpoint(json);
  }

  /**
   * After every exchange, on the event loop: encode + seal with the Child SA records the engine made once per
   * Child SA ({@code ChildSaState.json()}).
   */
  @Benchmark
  public String checkpoint() {
    return IkeCheckpointCodec.seal(box, checkpoint(childJson));
  }

  /** The same if the Child SA records were made anew each time (what caching them saves). */
  @Benchmark
  public String checkpointRecordsAnew() {
    return IkeCheckpointCodec.seal(box, capture());
  }

  /** Encode + seal of an IKE SA without Child SAs. */
  @Benchmark
  public String sealOnly() {
    return IkeCheckpointCodec.seal(box, template);
  }

  /** At takeover: open + decode + the Child SA records verified. */
  @Benchmark
  public int adopt() throws Exception {
    IkeCheckpoint c = IkeCheckpointCodec.open(box, template.ikeSaId(), sealed);
    int n = 0;
    for (String json : c.childSas()) {
      n += (int) RecordJson.fromJson(new JsonObject(json), ChildSa.class).inboundSpi();
    }
    return n;
  }
}

package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what a cluster member reads from another: the clustered event-bus
 * wire of every record of the bus contract ({@link RecordCodec#decodeFromWire}) and the JSON values of the
 * Hazelcast maps ({@code ipsec.child-sa}, {@code ipsec.ike-sa}, {@code ipsec.sa-counters}, {@code
 * ipsec.config}), all decoded by {@link RecordJson}. A peer may run another version or be hostile; the only
 * answers allowed are the documented {@link DecodeException} (not JSON) and {@link IllegalArgumentException}
 * (JSON of the wrong shape), which the bus turns into a dropped message.
 *
 * <p>Input: the first byte picks the record type ({@link #TYPES}, modulo its size), the rest is the wire
 * (4-byte length, then JSON). Corpus: {@code RecordCodecFuzzTestInputs/decodeFromWire/}.
 */
class RecordCodecFuzzTest {

  /** The bus contract, then the records stored as JSON in the shared maps. */
  static final List<Class<? extends Record>> TYPES = types();

  private static List<Class<? extends Record>> types() {
    List<Class<? extends Record>> all = new ArrayList<>(BusCodecs.CONTRACT);
    all.addAll(List.of(ChildSa.class, IkeSaSummary.class, SaCounters.class, GatewayConfig.class));
    return List.copyOf(all);
  }

  @FuzzTest
  void decodeFromWire(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Class<? extends Record> type = TYPES.get((input[0] & 0xff) % TYPES.size());
    Buffer wire = Buffer.buffer(Arrays.copyOfRange(input, 1, input.length));
    decodeAndRoundTrip(type, wire);
  }

  private static <T extends Record> void decodeAndRoundTrip(Class<T> type, Buffer wire) {
    RecordCodec<T> codec = new RecordCodec<>(type);
    T record;
    try {
      record = codec.decodeFromWire(0, wire);
    } catch (DecodeException | IllegalArgumentException refused) {
      return;
    }
    // what was accepted goes back on the wire and reads the same (another member forwards it)
    Buffer again = Buffer.buffer();
    codec.encodeToWire(again, record);
    T back = codec.decodeFromWire(0, again);
    assertEquals(RecordJson.toJson(record), RecordJson.toJson(back));
  }
}

package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Where a forwarder that takes a Child SA pair over (scale-out) finds the anti-replay window it must start with:
 * the {@link SaCounters#inboundCheckpoint()} of the SA's {@code ipsec.sa-counters} row, which only the owner
 * writes ({@link ReplayCheckpointer} says how often). The row is an {@code @Authenticated} record (HMAC under
 * HKDF(KEK, record-mac), docs/security.md), so a row that was altered or planted does not decode; it is also
 * bound to the SA by its SPIs and peer, so a row left by another SA under the same key is not taken. Either way,
 * and when there is no row, the checkpoint is {@link #UNKNOWN}: the adopter then refuses the SA's inbound packets
 * and asks for a replacement SA, never starting from an empty window (RFC 4303 §3.4.3).
 */
public final class ReplayCheckpoints {

  /** No usable checkpoint: no row, a row that does not verify, or one of another SA. */
  public static final long UNKNOWN = -1;

  private ReplayCheckpoints() {}

  /**
   * The checkpoint of {@code sa}'s inbound SA in {@code counters} ({@code ipsec.sa-counters}, inbound SPI → row).
   * Blocking (a Hazelcast read): off the control context.
   */
  public static long read(Map<String, String> counters, ChildSa sa) {
    String text = counters.get(SharedMaps.spiKey(sa.inboundSpi()));
    if (text == null) {
      return UNKNOWN;
    }
    SaCounters row;
    try {
      row = RecordJson.fromJson(new JsonObject(text), SaCounters.class);
    } catch (RuntimeException notARow) { // not JSON, altered, planted, another KEK
      return UNKNOWN;
    }
    boolean same = row.inboundSpi() == (sa.inboundSpi() & 0xFFFF_FFFFL)
        && row.currentOutboundSpi() == (sa.outboundSpi() & 0xFFFF_FFFFL)
        && java.util.Objects.equals(row.peerAddress(), sa.peerAddress())
        && row.connectionId() == sa.connectionId();
    return same && row.inboundCheckpoint() >= 0 ? row.inboundCheckpoint() : UNKNOWN;
  }

  /**
   * The reserver a takeover uses: the fresh block of {@code reserver}, then the checkpoint read by {@code read}
   * (away from the control context, through {@code offControl}, whose callback runs on it), carried in the
   * {@link SaInstaller.Reservation} to {@link SaOwnership}, which starts the window before it opens a packet.
   * A read that fails counts as {@link #UNKNOWN}.
   */
  public static SaInstaller.Reserver onTakeover(SaInstaller.Reserver reserver, Function<ChildSa, Long> read,
      OffControl offControl) {
    return (pair, done) -> reserver.reserve(pair, r -> offControl.run(() -> read.apply(pair.sa()),
        (checkpoint, failure) -> done.accept(r.withReplayCheckpoint(
            failure != null || checkpoint == null ? UNKNOWN : checkpoint))));
  }

  /** Runs blocking work away from the control context; {@code done} runs on it (ChildSaFeed.Host#offControl). */
  @FunctionalInterface
  public interface OffControl {
    void run(java.util.concurrent.Callable<Long> work, BiConsumer<Long, Throwable> done);
  }
}

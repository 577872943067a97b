package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.SaCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a {@link SaSupervisor} tells the world, kept for a test on the virtual clock instead of going to the bus,
 * Hazelcast and the log: the bus messages in order, the {@code %CRYPTO-…} lines, the counters rows with the time
 * they were published, the pairs whose next sequence block was asked for. A test that must act on one of them (write
 * the rows to its map, top a pair up) overrides that method.
 */
class RecordingSink implements SaSupervisor.Sink {

  /** A counters row and the virtual time it was published at. */
  record Published(SaCounters row, long atMillis) {}

  /** Acquire, InvalidSpi, SaExpired, SaIdle, and the ActivitySummary of a tick in which some SA sent or received. */
  final List<Object> events = new ArrayList<>();
  final List<String> logs = new ArrayList<>();
  final List<Published> published = new ArrayList<>();
  final List<SaPair> reserveAsked = new ArrayList<>();
  final List<FwdMessages.NatMapping> natMappings = new ArrayList<>();
  private final LongSupplier nowMillis;

  /** @param nowMillis the virtual clock the supervisor runs on, to stamp the published rows */
  RecordingSink(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  @Override
  public void acquire(FwdMessages.Acquire a) {
    events.add(a);
  }

  @Override
  public void invalidSpi(FwdMessages.InvalidSpi i) {
    events.add(i);
  }

  @Override
  public void expired(FwdMessages.SaExpired e) {
    events.add(e);
  }

  @Override
  public void idle(FwdMessages.SaIdle i) {
    events.add(i);
  }

  @Override
  public void activity(FwdMessages.ActivitySummary s) {
    if (!s.activity().isEmpty()) {
      events.add(s);
    }
  }

  @Override
  public void counters(List<SaCounters> rows) {
    long now = nowMillis.getAsLong();
    rows.forEach(row -> published.add(new Published(row, now)));
  }

  @Override
  public void log(String line) {
    logs.add(line);
  }

  @Override
  public void natMapping(FwdMessages.NatMapping moved) {
    natMappings.add(moved);
  }

  @Override
  public void reserveSequences(SaPair pair) {
    reserveAsked.add(pair);
  }
}

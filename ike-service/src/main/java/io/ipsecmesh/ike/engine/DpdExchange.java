package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.List;
import java.util.function.Consumer;

/**
 * Liveness check (RFC 7296 §2.4): an empty INFORMATIONAL request. dpd-service owns the schedule: each
 * attempt waits {@code timeoutMillis} for the response; later attempts resend the same bytes.
 */
final class DpdExchange implements Exchange {

  private final Scheduler scheduler;
  private Consumer<Boolean> outcome;
  private Scheduler.Timer timer;

  DpdExchange(Scheduler scheduler, Consumer<Boolean> outcome, long timeoutMillis) {
    this.scheduler = scheduler;
    arm(outcome, timeoutMillis);
  }

  /** A new attempt: answer it when the response comes or its timeout passes. */
  void arm(Consumer<Boolean> next, long timeoutMillis) {
    if (outcome != null) {
      resolve(false);
    }
    outcome = next;
    timer = scheduler.schedule(timeoutMillis, () -> {
      try {
        resolve(false);
      } catch (RuntimeException e) {
        System.getLogger("io.ipsecmesh.ike").log(System.Logger.Level.WARNING, "IKEv2: DPD outcome failed: " + e);
      }
    });
  }

  private void resolve(boolean acknowledged) {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    Consumer<Boolean> o = outcome;
    outcome = null;
    if (o != null) {
      o.accept(acknowledged);
    }
  }

  @Override
  public int exchangeType() {
    return IkeConstants.INFORMATIONAL;
  }

  @Override
  public List<Payload> request(IkeSa sa) {
    return List.of();
  }

  @Override
  public void response(IkeSa sa, List<Payload> payloads) {
    resolve(true);
  }

  @Override
  public void failed(IkeSa sa) {
    resolve(false);
  }

  @Override
  public boolean retransmittedByEngine() {
    return false;
  }

  @Override
  public String name() {
    return "DPD";
  }
}

package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tick that throws (a sink whose bus publish fails, a bad SA) is followed by the next one on
 * schedule: before, the exception ended the periodic tick for good, and with it every ACQUIRE,
 * lifetime, idle timer and sequence reservation of the forwarder.
 */
class SaSupervisorTickFailureTest {

  @Test
  void aFailingTickIsLoggedAndTheNextOneRunsOneSecondLater() {
    VirtualScheduler clock = new VirtualScheduler();
    TestGateway gw = new TestGateway();
    int[] summaries = {0};
    SaSupervisor supervisor = new SaSupervisor("fwd-1", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock,
        new SaSupervisor.Sink() {
          public void acquire(FwdMessages.Acquire a) {}

          public void invalidSpi(FwdMessages.InvalidSpi i) {}

          public void expired(FwdMessages.SaExpired e) {}

          public void idle(FwdMessages.SaIdle i) {}

          public void activity(FwdMessages.ActivitySummary s) {
            if (++summaries[0] == 2) {
              throw new IllegalStateException("bus closed");
            }
          }

          public void counters(List<SaCounters> c) {}

          public void log(String line) {}

          public void reserveSequences(SaPair pair) {}
        }, () -> "172.31.250.1");
    supervisor.start();

    clock.advance(2_000);
    assertEquals(2, summaries[0]);
    assertEquals(1, supervisor.tickFailures());

    clock.advance(1_000);
    assertEquals(3, summaries[0], "the tick after the failing one ran on schedule");
    clock.advance(5_000);
    assertEquals(8, summaries[0]);
    assertEquals(1, supervisor.tickFailures());
  }
}

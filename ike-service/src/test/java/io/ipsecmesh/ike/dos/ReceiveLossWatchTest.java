package io.ipsecmesh.ike.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReceiveLossWatchTest {

  @Test
  void reportsWhatTheSocketDroppedBetweenTwoReadings() {
    ReceiveLossWatch watch = new ReceiveLossWatch();
    assertEquals(40, watch.observe(40), "the socket's counter starts at zero");
    assertEquals(0, watch.observe(40));
    assertEquals(25, watch.observe(65));
    assertEquals(0, watch.observe(3), "a socket opened anew starts a new baseline");
    assertEquals(2, watch.observe(5));
  }
}

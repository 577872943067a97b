package io.ipsecmesh.esp.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.fwd.SaOwnership;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sending side of the hand-off: rate-bounded per direction in virtual time, every drop counted by reason. */
class EspHandoffTest {

  private static final InetSocketAddress PEER = new InetSocketAddress("198.51.100.7", 4500);
  private final List<String> sentTo = new ArrayList<>();
  private final List<byte[]> frames = new ArrayList<>();
  private long nanos = 5_000_000_000L;
  private final EspHandoff handoff = new EspHandoff((owner, frame) -> {
    sentTo.add(owner);
    frames.add(frame);
  }, () -> nanos);
  private final byte[] esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9, 9};

  @Test
  void atMostPerSecondEachWayThenDroppedAndCountedUntilTheNextSecond() {
    double rateBefore = EspHandoff.counted("inbound", "rate");
    for (int i = 0; i < EspHandoff.PER_SECOND; i++) {
      handoff.inbound("esp-b", esp, 0, esp.length, PEER, true);
    }
    assertEquals(EspHandoff.PER_SECOND, sentTo.size());
    handoff.inbound("esp-b", esp, 0, esp.length, PEER, true);
    assertEquals(EspHandoff.PER_SECOND, sentTo.size());
    assertEquals(rateBefore + 1, EspHandoff.counted("inbound", "rate"));
    handoff.outbound("esp-b", esp, 0, esp.length); // the other direction has its own window
    assertEquals(EspHandoff.PER_SECOND + 1, sentTo.size());
    nanos += 999_999_999L;
    handoff.inbound("esp-b", esp, 0, esp.length, PEER, true);
    assertEquals(EspHandoff.PER_SECOND + 1, sentTo.size(), "still the same second");
    nanos += 1;
    handoff.inbound("esp-b", esp, 0, esp.length, PEER, true);
    assertEquals(EspHandoff.PER_SECOND + 2, sentTo.size(), "a new second");
  }

  @Test
  void rawEspFencedAndNotJoinedAreDroppedNotSent() {
    double raw = EspHandoff.counted("inbound", "raw-esp");
    double fenced = EspHandoff.counted("outbound", "fenced");
    double notJoined = EspHandoff.counted("inbound", "not-joined");
    handoff.inbound("esp-b", esp, 0, esp.length, PEER, false);
    handoff.outbound(SaOwnership.FENCED, esp, 0, esp.length);
    handoff.inbound(SaOwnership.NOT_JOINED, esp, 0, esp.length, PEER, true);
    assertEquals(List.of(), sentTo);
    assertEquals(raw + 1, EspHandoff.counted("inbound", "raw-esp"));
    assertEquals(fenced + 1, EspHandoff.counted("outbound", "fenced"));
    assertEquals(notJoined + 1, EspHandoff.counted("inbound", "not-joined"));
  }

  @Test
  void aHandedOffPacketIsDeliveredOnceAndNeverHandedOnAgain() {
    handoff.inbound("esp-b", esp, 0, esp.length, PEER, true);
    List<String> delivered = new ArrayList<>();
    double bounced = EspHandoff.counted("inbound", "bounced");
    // at the receiver, whose view still says another instance owns the SA: its pipeline hands it off again
    EspHandoff.received(frames.get(0), new EspHandoff.Target() {
      @Override
      public void inbound(byte[] a, int off, int len, InetSocketAddress sender) {
        delivered.add(sender.toString());
        assertArrayEquals(esp, java.util.Arrays.copyOfRange(a, off, off + len));
        EspHandoff.delivering(() -> handoff.inbound("esp-a", a, off, len, sender, true));
      }

      @Override
      public void outbound(byte[] a, int off, int len) {
        delivered.add("outbound");
      }
    });
    assertEquals(List.of(PEER.toString()), delivered);
    assertEquals(List.of("esp-b"), sentTo, "not sent back to esp-a");
    assertEquals(bounced + 1, EspHandoff.counted("inbound", "bounced"));
  }

  @Test
  void aMalformedFrameIsCounted() {
    double malformed = EspHandoff.counted("received", "malformed");
    EspHandoff.received(new byte[] {7}, null);
    assertEquals(malformed + 1, EspHandoff.counted("received", "malformed"));
  }
}

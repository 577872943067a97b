package io.ipsecmesh.ike.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the reply cache does for either IKE version, proven on two real engines of that version on their
 * virtual wire (a subclass per version brings the SA up): RFC 7296 §2.1 / RFC 2408 §5, a retransmitted
 * request from the SA's peer gets our answer again, bit for bit, and changes no state; a copy from another
 * port or address of the peer gets nothing (§2.11: no reflection to a spoofed source), counted per version.
 */
public abstract class ReplyCacheContract {

  /** A request the responder answered on an established SA, and where it came from. */
  public record Answered(byte[] request, String peer, int peerPort, int localPort, byte[] response) {}

  /** What the responder sent in answer to a delivery. */
  public record Sent(String to, int toPort, byte[] bytes) {}

  /** What the responder counted: {@code answered v1}, {@code retransmission-from-elsewhere v2}, … */
  protected final List<String> counted = new ArrayList<>();

  protected final DosCounters counters = new DosCounters() {
    @Override
    public void retransmissionAnswered(int ikeVersion) {
      counted.add("answered v" + ikeVersion);
    }

    @Override
    public void requestDropped(int ikeVersion, String reason) {
      counted.add(reason + " v" + ikeVersion);
    }
  };

  protected abstract int ikeVersion();

  /** Two gateways of this version bring an SA up, the responder counting into {@link #counters}. */
  protected abstract Answered establish() throws Exception;

  /** {@code bytes} reach the responder from {@code from:fromPort} on {@code localPort}: what it sent back. */
  protected abstract List<Sent> deliver(byte[] bytes, String from, int fromPort, int localPort) throws Exception;

  /** The responder's SAs as a comparable line (IKE SAs up, Child SAs installed). */
  protected abstract String responderState();

  @Test
  public void aRetransmissionFromTheSasPeerGetsTheSameBytesAgainAndChangesNothing() throws Exception {
    Answered a = establish();
    String before = responderState();
    List<Sent> sent = deliver(a.request(), a.peer(), a.peerPort(), a.localPort());
    assertEquals(1, sent.size());
    assertEquals(a.peer(), sent.getFirst().to());
    assertEquals(a.peerPort(), sent.getFirst().toPort());
    assertArrayEquals(a.response(), sent.getFirst().bytes());
    assertEquals(before, responderState(), "no state change");
    assertEquals(List.of("answered v" + ikeVersion()), counted);
  }

  @Test
  public void aCopyFromAnotherPortOfThePeerReflectsNothingAndIsCounted() throws Exception {
    Answered a = establish();
    String before = responderState();
    assertEquals(List.of(), deliver(a.request(), a.peer(), 40_000, a.localPort()));
    assertEquals(before, responderState());
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE + " v" + ikeVersion()), counted);
  }

  @Test
  public void aCopyFromASpoofedAddressReflectsNothing() throws Exception {
    Answered a = establish();
    String before = responderState();
    assertEquals(List.of(), deliver(a.request(), "198.51.100.7", a.peerPort(), a.localPort()));
    assertEquals(before, responderState());
    assertEquals(List.of(), counted.stream().filter(c -> c.startsWith("answered")).toList());
  }
}

package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskManager}: one request outstanding (RFC 7296 §2.3) with message IDs in order, retransmission on
 * {@link RetransmitPolicy} in virtual time (§2.1), and the responder's reply cache by the digest of the whole
 * request, answered only to the SA's peer (§2.1, §2.11).
 */
class TaskManagerTest {

  private static List<TestPeers.Packet> requestsFromA(TaskPeers n, int exchangeType) {
    return n.sent.stream().filter(p -> p.from().equals(TestPeers.A) && !TaskPeers.isResponse(p)
        && TaskPeers.exchangeOf(p) == exchangeType).toList();
  }

  private static long messageId(TestPeers.Packet p) throws Exception {
    return IkeCodec.decodeHeader(p.bytes()).messageId();
  }

  @Test
  void queuedExchangesGoOneAtATimeWithConsecutiveMessageIds() throws Exception {
    TaskPeers n = new TaskPeers().established();
    for (int i = 0; i < 3; i++) {
      n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(0x1000L + i)));
    }
    assertEquals(1, n.wire.size(), "a window of one: the second waits for the first's response");
    n.run();
    List<TestPeers.Packet> sent = requestsFromA(n, IkeConstants.INFORMATIONAL);
    assertEquals(3, sent.size());
    assertEquals(List.of(2L, 3L, 4L), List.of(messageId(sent.get(0)), messageId(sent.get(1)), messageId(sent.get(2))),
        "IKE_SA_INIT was 0, IKE_AUTH 1");
  }

  @Test
  void aLostResponseIsRetransmittedAndTheRetransmissionAnsweredFromTheCache() {
    TaskPeers n = new TaskPeers().established();
    boolean[] lost = {false};
    n.drop = p -> p.from().equals(TestPeers.B) && !lost[0] && (lost[0] = true);
    n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(n.aSa.children.getFirst().inboundSpi())));
    n.run();
    assertEquals(1, n.bEvents.deleted.size(), "b acted on the request");
    n.advance(RetransmitPolicy.DEFAULT.delayBefore(0) - 1);
    assertEquals(1, requestsFromA(n, IkeConstants.INFORMATIONAL).size(), "nothing before the first delay");
    n.advance(1);
    List<TestPeers.Packet> requests = requestsFromA(n, IkeConstants.INFORMATIONAL);
    assertEquals(2, requests.size());
    assertArrayEquals(requests.get(0).bytes(), requests.get(1).bytes(), "a retransmission is the same bytes");
    List<TestPeers.Packet> answers = n.sent.stream().filter(p -> p.from().equals(TestPeers.B)
        && TaskPeers.exchangeOf(p) == IkeConstants.INFORMATIONAL).toList();
    assertEquals(2, answers.size());
    assertArrayEquals(answers.get(0).bytes(), answers.get(1).bytes(), "answered from the cache");
    assertEquals(1, n.bEvents.deleted.size(), "and processed once");
    assertEquals(List.of(), n.aSa.tasks.active(), "the retransmission's answer completed the exchange");
  }

  @Test
  void aReplayFromAnotherAddressOrAnAlteredCopyGetsNothing() {
    TaskPeers n = new TaskPeers().established();
    io.ipsecmesh.ike.wire.Counted counted = new io.ipsecmesh.ike.wire.Counted();
    n.b.setStats(counted);
    n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(0x4242L)));
    n.run();
    byte[] request = requestsFromA(n, IkeConstants.INFORMATIONAL).getFirst().bytes();
    int before = n.sent.size();
    n.bSa.tasks.receive(new Datagram(TestPeers.B, 500, "198.51.100.7", 500, request), decode(request));
    byte[] altered = request.clone();
    altered[altered.length - 1] ^= 1;
    n.bSa.tasks.receive(new Datagram(TestPeers.B, 500, TestPeers.A, 500, altered), decode(altered));
    n.run();
    assertEquals(before, n.sent.size(), "b sent nothing");
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE, DosCounters.ALTERED_RETRANSMISSION),
        counted.dropped);
    n.bSa.tasks.receive(new Datagram(TestPeers.B, 500, TestPeers.A, 500, request), decode(request));
    n.run();
    assertEquals(before + 1, n.sent.size(), "the genuine retransmission from a is answered");
    assertEquals(1, counted.answered);
  }

  @Test
  void theRequesterGivesUpAfterTheRetransmitScheduleAndDeletesTheSa() {
    TaskPeers n = new TaskPeers().established();
    n.drop = p -> true;
    n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(0x4242L)));
    n.run();
    n.advance(RetransmitPolicy.DEFAULT.giveUpAfter() - 1);
    assertEquals(1 + RetransmitPolicy.DEFAULT.tries(), requestsFromA(n, IkeConstants.INFORMATIONAL).size());
    assertEquals(List.of(), n.aEvents.down);
    n.advance(1);
    assertEquals(List.of("timeout"), n.aEvents.down);
    assertEquals(0, n.a.table.size());
  }

  /** A request of {@code exchangeType} with no payloads; records the response. */
  private static final class Probe implements Task {
    final int exchangeType;
    java.util.List<io.ipsecmesh.proto.ikev2.Payload> answer;

    Probe(int exchangeType) {
      this.exchangeType = exchangeType;
    }

    @Override
    public Type type() {
      return Type.LIVENESS;
    }

    @Override
    public int exchangeType() {
      return exchangeType;
    }

    @Override
    public java.util.List<io.ipsecmesh.proto.ikev2.Payload> buildI(IkeSa sa) {
      return List.of();
    }

    @Override
    public Status processI(IkeSa sa, Inbound response) {
      answer = response.payloads();
      return Status.DONE;
    }

    @Override
    public void failed(IkeSa sa) {}

    @Override
    public Status processR(IkeSa sa, Inbound request) {
      throw new AssertionError("not a responder");
    }

    @Override
    public java.util.List<io.ipsecmesh.proto.ikev2.Payload> buildR(IkeSa sa) {
      throw new AssertionError("not a responder");
    }
  }

  @Test
  void aRequestNothingAnswersInTheSaStateGetsNoResponseAnUnknownExchangeInvalidSyntax() {
    TaskPeers n = new TaskPeers().established();
    Probe lateAuth = new Probe(IkeConstants.IKE_AUTH);
    n.aSa.tasks.queue(lateAuth);
    n.run();
    assertEquals(null, lateAuth.answer, "IKE_AUTH on an established SA is not answered");
    assertEquals(1, n.sent.stream().filter(p -> p.from().equals(TestPeers.B) && TaskPeers.isResponse(p)
        && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH).count(), "only the first IKE_AUTH's response");
    TaskPeers m = new TaskPeers().established();
    Probe unknown = new Probe(99);
    m.aSa.tasks.queue(unknown);
    m.run();
    assertEquals(IkeConstants.INVALID_SYNTAX,
        ((io.ipsecmesh.proto.ikev2.Payload.Notify) unknown.answer.getFirst()).notifyType());
  }

  private static io.ipsecmesh.proto.ikev2.IkeMessage decode(byte[] bytes) {
    try {
      return IkeCodec.decode(bytes);
    } catch (io.ipsecmesh.proto.ike.IkeDecodeException e) {
      throw new AssertionError(e);
    }
  }
}

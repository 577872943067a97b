package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.IkeEngineTest.assertKeysMirror;
import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static io.ipsecmesh.ike.engine.TestPeers.WRAP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.ha.SealedCheckpoints;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeCheckpoint;
import io.ipsecmesh.proto.sa.IkeCheckpointCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Takeover of an IKE SA without renegotiation: b's engine checkpoints after every exchange into a sealed store,
 * is thrown away, and a fresh engine b' adopts the SA from the checkpoint alone. a then probes it (DPD), rekeys
 * its Child SA and deletes it, b' rekeys the IKE SA when its lifetime says — all answered with the right message
 * IDs and keys — and a never sees another IKE_SA_INIT (what strongSwan's HA plugin promises, RFC 7296 unchanged).
 */
class IkeSaTakeoverTest {

  private static final long A_LIFETIME_S = 3600;
  private static final long B_LIFETIME_S = 600;

  /** The cluster's Hazelcast map as the store sees it: key → sealed text. */
  private final Map<String, String> checkpointMap = new LinkedHashMap<>();
  /**
   * While true the store has not yet acknowledged its puts (Hazelcast's round trip): what waits for them
   * ({@link CheckpointSink#afterStored}, the write-ahead answers) queues here instead of running.
   */
  private boolean storing;
  private final List<Runnable> waitingForStore = new ArrayList<>();
  private final SealedCheckpoints store = new SealedCheckpoints(
      new SecretBox(new Kek(new byte[32], "test"), IkeCheckpointCodec.SEAL_PURPOSE), new SealedCheckpoints.Store() {
        @Override
        public void put(String ikeSaId, String sealed) {
          checkpointMap.put(ikeSaId, sealed);
        }

        @Override
        public void remove(String ikeSaId) {
          checkpointMap.remove(ikeSaId);
        }

        @Override
        public void afterStored(Runnable r) {
          if (storing) {
            waitingForStore.add(r);
          } else {
            r.run();
          }
        }
      });

  private TestPeers established() {
    TestPeers n = new TestPeers();
    n.aPolicies.replace(List.of(IkeEngineRekeyTest.withIkeLifetime(TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", GCM,
        List.of(EspTransform.AES_GCM_128)), A_LIFETIME_S)));
    n.bPolicies.replace(List.of(IkeEngineRekeyTest.withIkeLifetime(TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", GCM,
        List.of(EspTransform.AES_GCM_128)), B_LIFETIME_S)));
    n.b.takeover().setCheckpoints(store, "ike-b", spi -> true);
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.aEvents.up.size());
    assertEquals(1, n.bEvents.up.size());
    return n;
  }

  /** b's engine dies (nothing of it is used again); b' adopts every checkpoint from the store. */
  private TestPeers.Recorder takeOver(TestPeers n) {
    TestPeers.Recorder events = new TestPeers.Recorder();
    IkeEngine b2 = new IkeEngine(n.clock, (la, lp, pa, pp, m) -> n.wire.add(new TestPeers.Packet(B, lp, pa, pp, m)),
        events, n.bPolicies, WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, n.clock::nowMillis);
    b2.setDebug(true);
    b2.takeover().setCheckpoints(store, "ike-b2", spi -> true);
    // kill -9: nothing of b runs again. Its SAs are forgotten without a message, so its timers (the IKE
    // lifetime rekey) never fire on the shared virtual clock; the checkpoints stay.
    n.b.takeover().establishedIkeSaIds().forEach(n.b.takeover()::release);
    n.replaceB(b2, events);
    for (Map.Entry<String, String> e : List.copyOf(checkpointMap.entrySet())) {
      IkeCheckpoint c = store.open(e.getKey(), e.getValue());
      assertNotNull(c, "the checkpoint opens");
      assertTrue(b2.takeover().adopt(c));
    }
    return events;
  }

  @Test
  void aCheckpointIsWrittenAfterEachExchangeAndSealed() {
    TestPeers n = established();
    String bId = n.bEvents.up.getFirst().ikeSaId();
    assertEquals(List.of(bId), List.copyOf(checkpointMap.keySet()), "IKE_AUTH done: one checkpoint");
    assertEquals(1, store.written(), "IKE_SA_INIT is not checkpointed (nothing to continue yet)");
    assertTrue(checkpointMap.get(bId).startsWith(SecretBox.PREFIX));
    List<Boolean> outcomes = new ArrayList<>();
    n.a.probe(n.aEvents.up.getFirst().ikeSaId(), 0, outcomes::add);
    n.run();
    assertEquals(List.of(true), outcomes);
    assertEquals(2, store.written(), "the INFORMATIONAL b answered is an exchange too");
    IkeCheckpoint c = store.open(bId, checkpointMap.get(bId));
    assertEquals(3, c.expectedRequestId(), "IKE_SA_INIT (0), IKE_AUTH (1) and the DPD INFORMATIONAL (2) answered");
    assertEquals(0, c.nextRequestId(), "b sent no request yet");
    assertEquals(1, c.childSas().size());
    assertEquals(2, c.generation());
    System.out.printf("checkpoint: %d bytes sealed, %.1f µs per checkpoint to encode and seal%n",
        checkpointMap.get(bId).length(), store.sealNanos() / 1000.0 / store.written());
  }

  @Test
  void anAdoptedSaAnswersDpdAChildRekeyAndDeleteAndRekeysOnItsOwnScheduleWithoutIkeSaInit() {
    TestPeers n = established();
    String aId = n.aEvents.up.getFirst().ikeSaId();
    ChildSa aChild = n.aEvents.installed.getFirst();
    ChildSa bChild = n.bEvents.installed.getFirst();
    n.clock.advance(60_000);
    TestPeers.Recorder b2 = takeOver(n);
    int restoredAt = n.sent.size();

    // DPD: a's empty INFORMATIONAL (message ID 2) answered by b' under the same keys
    List<Boolean> outcomes = new ArrayList<>();
    n.a.probe(aId, 0, outcomes::add);
    n.run();
    assertEquals(List.of(true), outcomes, "b' answered the liveness check");

    // b' protects under a fresh GCM IV range: past every IV b may have used since its checkpoint
    TestPeers.Packet reply = n.sent.getLast();
    assertEquals(B, reply.from());
    assertTrue(IkeCodec.getLong(reply.bytes(), 32) >= IkeCheckpoint.IV_COUNTER_JUMP, "IV counter jumped");

    // a Child SA rekey by a (CREATE_CHILD_SA, then DELETE of the old pair)
    assertTrue(n.a.rekeyChild(aChild.inboundSpi()));
    n.run();
    assertEquals(2, n.aEvents.installed.size());
    assertEquals(1, b2.installed.size(), "b' installed the new pair");
    assertKeysMirror(n.aEvents.installed.get(1), b2.installed.getFirst());
    assertEquals(List.of(bChild.inboundSpi()), b2.deleted.stream().map(d -> d.inboundSpi()).toList(),
        "the adopted old pair deleted at a's DELETE");

    // b's own IKE SA lifetime (600 s after IKE_AUTH, not after the takeover) rekeys it from b'
    n.advance(B_LIFETIME_S * 1000 - 60_000 - 1);
    assertEquals(0, b2.up.size(), "not before its time");
    n.advance(1);
    assertEquals(1, b2.up.size(), "b' rekeyed the IKE SA on b's schedule");
    assertEquals(2, n.aEvents.up.size());
    String newId = b2.up.getFirst().ikeSaId();
    assertEquals(List.of(newId), List.copyOf(checkpointMap.keySet()), "the new SA checkpointed, the old removed");

    // a deletes the (new) IKE SA: b' answers and tears down; the checkpoint goes with it
    int[] cleared = n.a.clear(B);
    n.run();
    assertEquals(1, cleared[0]);
    assertTrue(b2.down.contains("delete") || b2.down.contains("peer-delete") || !b2.down.isEmpty(), "" + b2.down);
    assertTrue(checkpointMap.isEmpty(), "no checkpoint of a deleted IKE SA: " + checkpointMap.keySet() + " down " + b2.down);

    for (TestPeers.Packet p : n.sent.subList(restoredAt, n.sent.size())) {
      assertFalse(TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT, "no IKE_SA_INIT after the takeover");
    }
    assertTrue(n.aEvents.down.stream().noneMatch(r -> r.equals("timeout")), "a never timed out: " + n.aEvents.down);
  }

  @Test
  void aRetransmissionOfTheLastRequestGetsTheSameResponseFromTheAdopter() {
    TestPeers n = established();
    TestPeers.Packet authRequest = null;
    TestPeers.Packet authResponse = null;
    for (TestPeers.Packet p : n.sent) {
      if (TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH) {
        if (TaskPeers.isResponse(p)) {
          authResponse = p;
        } else {
          authRequest = p;
        }
      }
    }
    takeOver(n);
    int before = n.sent.size();
    n.wire.add(authRequest); // §2.1: bitwise identical retransmission of IKE_AUTH
    n.run();
    assertEquals(before + 2, n.sent.size());
    assertArrayEquals(authResponse.bytes(), n.sent.getLast().bytes(), "the cached response, byte for byte");
  }

  @Test
  void aReleasedSaIsForgottenWithoutMessagesAndItsCheckpointStays() {
    TestPeers n = established();
    String bId = n.bEvents.up.getFirst().ikeSaId();
    int before = n.sent.size();
    assertTrue(n.b.takeover().release(bId));
    n.run();
    assertEquals(before, n.sent.size(), "nothing sent");
    assertTrue(n.bEvents.down.isEmpty() && n.bEvents.deleted.isEmpty(), "no events: another instance continues it");
    assertTrue(checkpointMap.containsKey(bId));
    assertTrue(n.b.takeover().establishedIkeSaIds().isEmpty());
    assertTrue(n.b.takeover().adopt(store.open(bId, checkpointMap.get(bId))), "and can be adopted back");
  }

  @Test
  void aCheckpointWithoutAMatchingCryptoMapEntryIsNotAdopted() {
    TestPeers n = established();
    String bId = n.bEvents.up.getFirst().ikeSaId();
    IkeCheckpoint c = store.open(bId, checkpointMap.get(bId));
    n.b.takeover().release(bId);
    n.bPolicies.replace(List.of());
    assertFalse(n.b.takeover().adopt(c));
    assertTrue(n.b.takeover().establishedIkeSaIds().isEmpty());
  }

  @Test
  void ofTwoInstancesClaimingOneCheckpointOnlyOneAdoptsAndALaterAdopterStartsPastItsIvs() {
    TestPeers n = established();
    String bId = n.bEvents.up.getFirst().ikeSaId();
    String read = checkpointMap.get(bId);
    long ivs = store.open(bId, read).outboundIvCounter();
    java.util.concurrent.ConcurrentMap<String, String> map = new java.util.concurrent.ConcurrentHashMap<>(checkpointMap);
    SealedCheckpoints.Claim first = store.claim(bId, read, "ike-x");
    SealedCheckpoints.Claim second = store.claim(bId, read, "ike-y");
    assertTrue(map.replace(bId, read, first.sealed()), "the first claim replaces what both read");
    assertFalse(map.replace(bId, read, second.sealed()), "the second finds another record: it does not adopt");
    IkeCheckpoint claimed = store.open(bId, map.get(bId));
    assertEquals("ike-x", claimed.owner());
    assertEquals(2, claimed.generation());
    assertEquals(ivs + IkeCheckpoint.IV_COUNTER_JUMP, claimed.outboundIvCounter(),
        "where ike-x's IVs start: whoever adopts this claim later starts another jump further");
  }

  /**
   * Write-ahead (issue 13): b's answer to a's DPD leaves only once the checkpoint of the state it moves the SA to is
   * stored. b is killed after the put and before the answer: the adopter b' holds the new window and the answer,
   * so a's retransmission gets exactly the answer b would have sent and a's next request is in b''s window — no
   * desynchronisation, no new IKE_SA_INIT.
   */
  @Test
  void anAnswerLeavesOnlyAfterItsCheckpointSoAKillBetweenTheTwoLeavesTheAdopterInStep() {
    TestPeers n = established();
    String aId = n.aEvents.up.getFirst().ikeSaId();
    String bId = n.bEvents.up.getFirst().ikeSaId();
    storing = true;
    List<Boolean> outcomes = new ArrayList<>();
    n.a.probe(aId, 0, outcomes::add);
    int before = n.sent.size();
    n.run();
    assertEquals(before + 1, n.sent.size(), "a's request went; b's answer waits for the store");
    assertEquals(A, n.sent.getLast().from());
    assertEquals(1, waitingForStore.size());
    IkeCheckpoint written = store.open(bId, checkpointMap.get(bId));
    assertEquals(3, written.expectedRequestId(), "the stored state already counts the DPD exchange");
    assertEquals(2, written.lastResponseId());

    // kill -9 of b now: the answer never leaves
    waitingForStore.clear();
    storing = false;
    takeOver(n);
    // dpd-service's next attempt: a sends the same request again (RFC 7296 §2.4), b' answers from the checkpoint
    n.a.probe(aId, 1, outcomes::add);
    n.run();
    assertEquals(List.of(false, true), outcomes, "the first attempt superseded; the retransmission answered by b'");
    TestPeers.Packet retransmitted = n.sent.get(n.sent.size() - 2);
    assertArrayEquals(n.sent.get(before).bytes(), retransmitted.bytes(), "a's request, bit for bit");
    n.a.probe(aId, 0, outcomes::add);
    n.run();
    assertEquals(List.of(false, true, true), outcomes, "a's next request (ID 3) is in b''s window");
    for (TestPeers.Packet p : n.sent.subList(before, n.sent.size())) {
      assertFalse(TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT);
    }
  }

  /**
   * A fragmented answer (RFC 7383) is checkpointed whole: after the takeover a's retransmitted first fragment of
   * IKE_AUTH gets every fragment b sent, byte for byte, from b' (§2.6.1).
   */
  @Test
  void aFragmentedAnswerIsInTheCheckpointAndResentWholeByTheAdopter() {
    TestPeers n = new TestPeers();
    n.aPolicies.replace(List.of(TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", GCM,
        List.of(EspTransform.AES_GCM_128))));
    n.bPolicies.replace(List.of(TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", GCM,
        List.of(EspTransform.AES_GCM_128))));
    n.a.setFragmentation(new io.ipsecmesh.proto.config.Ikev2Fragmentation(200));
    n.b.setFragmentation(new io.ipsecmesh.proto.config.Ikev2Fragmentation(200));
    n.b.takeover().setCheckpoints(store, "ike-b", spi -> true);
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size());
    List<TestPeers.Packet> request = n.sent.stream().filter(p -> p.from().equals(A)
        && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH).toList();
    List<TestPeers.Packet> answer = n.sent.stream().filter(p -> p.from().equals(B)
        && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH).toList();
    assertTrue(request.size() > 1 && answer.size() > 1, "IKE_AUTH went in fragments both ways");
    String bId = n.bEvents.up.getFirst().ikeSaId();
    IkeCheckpoint c = store.open(bId, checkpointMap.get(bId));
    assertEquals(1, c.lastResponseId(), "the fragmented IKE_AUTH answer is the checkpoint's last response");
    assertEquals(answer.stream().mapToInt(p -> p.bytes().length).sum(), c.lastResponse().length, "all fragments");

    takeOver(n);
    int before = n.sent.size();
    n.wire.add(request.getFirst()); // §2.6.1: the first fragment again
    n.run();
    List<TestPeers.Packet> resent = n.sent.subList(before + 1, n.sent.size());
    assertEquals(answer.size(), resent.size(), "every fragment of the answer again");
    for (int i = 0; i < answer.size(); i++) {
      assertArrayEquals(answer.get(i).bytes(), resent.get(i).bytes(), "fragment " + (i + 1) + ", byte for byte");
    }
  }
}

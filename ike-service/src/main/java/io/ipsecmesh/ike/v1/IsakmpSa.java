package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatDiscovery;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one ISAKMP SA and its exchanges in flight. Plain mutable state owned by the engine's
 * thread; the exchange classes read and advance it. Secrets are zeroed by {@link #destroy()}.
 */
final class IsakmpSa {

  enum Phase1State { MM1_SENT, MM2_SENT, MM3_SENT, MM4_SENT, MM5_SENT, AM1_SENT, AM2_SENT, ESTABLISHED, DEAD }

  final boolean initiator;
  /** IOS conn-id, also the Child SAs' connection id. */
  int connId;
  /** Not final: an adopted SA keeps the time its first owner created it. */
  long createdEpochMillis = System.currentTimeMillis();
  /** The ike-service instance holding the SA (scale-out), for {@code show crypto isakmp sa detail}; null alone. */
  String owner;
  /** Scale-out: checkpoints of this SA written before (continued by an adopter). */
  long checkpointGeneration;
  final Ikev1Policy policy;
  final long cookieI;
  long cookieR;
  Phase1State state;
  /** Counted in the engine's per-peer half-open quota (a responder before MM5 verified). */
  boolean halfOpen;

  String localAddress;
  int localPort;
  String peerAddress;
  int peerPort;

  /** Phase 1 is Aggressive Mode (RFC 2409 §5.4), not Main Mode. */
  boolean aggressive;
  /** Aggressive Mode: IDii_b, the body of the initiator's clear-text ID payload, for HASH_I. */
  byte[] idiiB;
  /** Aggressive Mode responder: the initiator's identity from AM1, authenticated by HASH_I in AM3. */
  String claimedPeerId;
  /** Aggressive Mode initiator: our AM3, sent again when the responder repeats its AM2. */
  byte[] am3;

  /** An Easy VPN remote's progress after phase 1 (XAUTH, then Mode Config), IOS's CONF_XAUTH / CONF_ADDR. */
  enum ClientState { XAUTH_WAIT, XAUTH_SENT, MODE_CONFIG_SENT, CONFIGURED }

  /** Null unless the policy is an Easy VPN remote's. */
  ClientState clientState;
  /** What the Easy VPN server pushed (Mode Config), null before. */
  io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig modeConfig;
  /** Transaction exchanges we started: the IV of the answer by message ID (the last block of our request). */
  final Map<Long, byte[]> transactionIvs = new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
      return size() > 4;
    }
  };

  /** SAi_b: the body of the initiator's SA payload, as sent (RFC 2409 §5). */
  byte[] saiB;
  Ikev1Suite suite;
  DhGroup.Exchange dh;
  byte[] gxi;
  byte[] gxr;
  byte[] ni;
  byte[] nr;
  Phase1Keys keys;
  boolean peerNatT;
  boolean peerDpd;
  boolean natDetected;
  List<NatDiscovery> peerNatD = List.of();
  /** Phase-1 CBC state: the IV of the next phase-1 message, after MM6 the last phase-1 block. */
  byte[] phase1Iv;
  String peerId;

  /** Quick Modes in flight by message ID. */
  final Map<Long, QuickMode> quickModes = new HashMap<>();
  /**
   * Message IDs of finished Quick Modes and received or sent informationals: a repeat is a replay and is
   * ignored. Bounded: the oldest IDs are forgotten first.
   */
  final Map<Long, Boolean> answered = new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
      return size() > MAX_REMEMBERED_MESSAGE_IDS;
    }
  };
  static final int MAX_REMEMBERED_MESSAGE_IDS = 512;
  final List<ChildSa> children = new ArrayList<>();
  /** Scale-out: each Child SA record's sealed JSON, made once for the checkpoints. */
  final Map<ChildSa, String> childJson = new java.util.IdentityHashMap<>();

  /** Retransmits the last request we sent until it is answered (created with the first request). */
  io.ipsecmesh.ike.wire.Retransmitter retransmitter;
  /**
   * Our answers by the digest of the request they answered: a retransmitted request gets the same bytes
   * again. A few, not one: Quick Modes run concurrently, and the answer to one must not make the other's
   * retransmission go unanswered.
   */
  final io.ipsecmesh.ike.wire.ReplyCache replies = new io.ipsecmesh.ike.wire.ReplyCache(1,
      io.ipsecmesh.ike.wire.ReplyCache.Keying.DIGEST, REMEMBERED_REPLIES);
  static final int REMEMBERED_REPLIES = 8;

  Scheduler.Timer lifetimeTimer;
  long establishedAtMillis;
  /** RFC 3706 §6.2: our R-U-THERE sequence, random start with the high bit clear. */
  long dpdSequence;
  final Map<Long, PendingProbe> probes = new HashMap<>();
  /** Quick Mode to start once phase 1 is up (the acquire that started Main Mode). */
  boolean quickModeWanted;
  /** An SPI to report with INVALID-SPI once this SA is up (invalid-SPI recovery), 0 = none. */
  long pendingInvalidSpi;
  /** The expired ISAKMP SA whose Child SAs this one takes over once established (re-authentication). */
  IsakmpSa replaces;

  IsakmpSa(boolean initiator, Ikev1Policy policy, long cookieI, String localAddress, int localPort,
      String peerAddress, int peerPort) {
    this.initiator = initiator;
    this.policy = policy;
    this.cookieI = cookieI;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.peerAddress = peerAddress;
    this.peerPort = peerPort;
  }

  String id() {
    return String.format("%016x:%016x", cookieI, cookieR);
  }

  /**
   * SKEYID and its three children from the Diffie-Hellman secret and both halves' nonces, KE values and cookies
   * (RFC 2409 §5), the first phase-1 IV after them (RFC 2409 Appendix B); the secret is zeroed here, its last use.
   */
  void deriveKeys(byte[] gxy) {
    keys = Phase1Keys.derive(suite.hash(), suite.tripleDes(), suite.keyBytes(), policy.psk(), ni, nr, gxy, gxi, gxr,
        cookieI, cookieR);
    java.util.Arrays.fill(gxy, (byte) 0);
    phase1Iv = keys.initialIv();
  }

  /** The {@code show crypto isakmp sa} row (IOS IKEv1 state names). */
  io.ipsecmesh.proto.sa.IkeSaSummary summary() {
    String st = switch (state) {
      case MM1_SENT, MM2_SENT -> "MM_NO_STATE";
      case MM3_SENT, MM4_SENT -> "MM_SA_SETUP";
      case MM5_SENT -> "MM_KEY_EXCH";
      case AM1_SENT, AM2_SENT -> "AG_INIT_EXCH";
      case ESTABLISHED -> clientState == null || clientState == ClientState.CONFIGURED ? "QM_IDLE"
          : clientState == ClientState.MODE_CONFIG_SENT ? "CONF_ADDR" : "CONF_XAUTH";
      case DEAD -> "MM_NO_STATE";
    };
    return new io.ipsecmesh.proto.sa.IkeSaSummary(id(), peerAddress, localAddress, st, connId,
        state == Phase1State.DEAD ? "DELETED" : "ACTIVE", peerId == null ? "" : peerId, 1, localPort, peerPort,
        initiator ? "Initiator" : "Responder", createdEpochMillis, detail());
  }

  /** {@code show crypto isakmp sa detail}: the phase-1 suite (null until Main Mode chose one) and the owner. */
  private io.ipsecmesh.proto.sa.IkeSaSummary.Detail detail() {
    if (suite == null) {
      return null;
    }
    String hash = suite.hash().iosName.toUpperCase(java.util.Locale.ROOT);
    String localId = policy.localId() == null ? localAddress : policy.localId().value();
    return new io.ipsecmesh.proto.sa.IkeSaSummary.Detail(suite.tripleDes() ? "3DES" : "AES-CBC",
        suite.tripleDes() ? 0 : suite.aesKeyBits(), hash, hash, suite.group().groupId, "PSK", "PSK",
        suite.lifetimeSeconds(), String.format("%016X", initiator ? cookieI : cookieR),
        String.format("%016X", initiator ? cookieR : cookieI), localId, natDetected, false, owner);
  }

  boolean established() {
    return state == Phase1State.ESTABLISHED;
  }

  /** Phase 1 is up and, for an Easy VPN remote, XAUTH and Mode Config are done: Quick Mode may start. */
  boolean readyForQuickMode() {
    return established() && (clientState == null || clientState == ClientState.CONFIGURED);
  }

  /** One Quick Mode exchange. */
  static final class QuickMode {
    final boolean initiator;
    final long messageId;
    byte[] iv;
    byte[] ni;
    byte[] nr;
    long ourSpi;
    long peerSpi;
    Ikev1Proposals.EspChoice choice;
    io.ipsecmesh.proto.sa.TrafficSelector local;
    io.ipsecmesh.proto.sa.TrafficSelector remote;
    /** PFS (set pfs): our Quick Mode DH exchange, then g(qm)^xy. */
    io.ipsecmesh.ike.crypto.DhGroup.Exchange dh;
    byte[] gqmxy;
    /** Inbound SPI of the Child SA this one replaces (rekey), 0 for a first negotiation. */
    long replaces;

    QuickMode(boolean initiator, long messageId) {
      this.initiator = initiator;
      this.messageId = messageId;
    }
  }

  /** An R-U-THERE awaiting its ACK. */
  record PendingProbe(java.util.function.Consumer<Boolean> outcome, Scheduler.Timer timeout) {}

  void destroy() {
    if (keys != null) {
      keys.destroy();
    }
    for (byte[] b : new byte[][] {ni, nr, phase1Iv}) {
      if (b != null) {
        Arrays.fill(b, (byte) 0);
      }
    }
    if (retransmitter != null) {
      retransmitter.stop();
    }
    if (lifetimeTimer != null) {
      lifetimeTimer.cancel();
    }
    probes.values().forEach(p -> p.timeout().cancel());
    probes.clear();
    quickModes.clear();
    state = Phase1State.DEAD;
  }
}

package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.DebugTrace;
import io.ipsecmesh.proto.bus.MgmtMessages;

/**
 * {@code debug crypto isakmp} for the IKEv1 engine: the trace lines IOS prints for Main Mode, Quick Mode
 * and RFC 3706 DPD, worded as in the DPD chapter's sample output (IOS XE IPsec Data Plane guide,
 * "Verifying DPD Configuration Using the debug crypto isakmp Command Example"), e.g.
 * <pre>
 * ISAKMP:(0:1:SW:1):IKE_DPD is enabled, initializing timers
 * ISAKMP:(0:1:SW:1): DPD/R_U_THERE_ACK received from peer 10.2.80.209, sequence 0x9
 * ISAKMP:(0:1:SW:1):deleting SA reason "peers alive" state (I) QM_IDLE       (peer 10.2.80.209) input queue 0
 * </pre>
 * The seed's SA tag {@code (0:1:HW:2)} names the conn-id, the crypto engine (hardware) and its slot; ours
 * is a software engine in slot 1, so {@code (0:CONN-ID:SW:1)}. Lines go to the log (and from there to
 * {@code show logging}); nothing here ever sees key material. Off by default, as on IOS.
 */
final class IsakmpDebug {

  /** The switch and sink both versions share; the lines are this class's. */
  private final DebugTrace trace = new DebugTrace(MgmtMessages.Facility.ISAKMP, IsakmpDebug.class.getName());

  DebugTrace trace() {
    return trace;
  }

  boolean on() {
    return trace.on();
  }

  static String tag(IsakmpSa sa) {
    return "ISAKMP:(0:" + sa.connId + ":SW:1):";
  }

  /** IOS's phase-1 state names for ours (Main Mode, RFC 2409 §5; Aggressive Mode, §5.4). */
  static String iosState(IsakmpSa sa, IsakmpSa.Phase1State s) {
    if (s == null) {
      return "IKE_READY";
    }
    String role = sa.initiator ? "IKE_I_" : "IKE_R_";
    return switch (s) {
      case MM1_SENT -> role + "MM1";
      case MM2_SENT -> role + "MM2";
      case MM3_SENT -> role + "MM3";
      case MM4_SENT -> role + "MM4";
      case MM5_SENT -> role + "MM5";
      case AM1_SENT -> role + "AM1";
      case AM2_SENT -> role + "AM2";
      case ESTABLISHED -> "IKE_P1_COMPLETE";
      case DEAD -> "IKE_DEST_SA";
    };
  }

  /** The {@code show crypto isakmp sa} state as the delete line prints it. */
  static String saState(IsakmpSa sa) {
    return sa.established() ? "QM_IDLE" : "MM_NO_STATE";
  }

  /** Our reasons in IOS's words: a DPD verdict is IOS's {@code "peers alive"} (the PEERS_ALIVE_TIMER ran out). */
  static String iosReason(String reason) {
    return "dpd".equals(reason) ? "peers alive" : reason;
  }

  static String stateChange(IsakmpSa sa, IsakmpSa.Phase1State from, IsakmpSa.Phase1State to) {
    return tag(sa) + "Old State = " + iosState(sa, from) + "  New State = " + iosState(sa, to);
  }

  static String beginningMainMode(IsakmpSa sa) {
    return tag(sa) + "beginning Main Mode exchange";
  }

  static String beginningAggressiveMode(IsakmpSa sa) {
    return tag(sa) + "beginning Aggressive Mode exchange";
  }

  static String authenticated(IsakmpSa sa) {
    return tag(sa) + "SA has been authenticated with " + sa.peerAddress;
  }

  static String dpdEnabled(IsakmpSa sa) {
    return tag(sa) + "IKE_DPD is enabled, initializing timers";
  }

  static String beginningQuickMode(IsakmpSa sa, long messageId) {
    return tag(sa) + "beginning Quick Mode exchange, M-ID of " + (int) messageId;
  }

  static String quickModeComplete(IsakmpSa sa, boolean initiator) {
    return tag(sa) + "Old State = " + (initiator ? "IKE_QM_I_QM1" : "IKE_QM_R_QM2")
        + "  New State = IKE_QM_PHASE2_COMPLETE";
  }

  static String sendingPacket(IsakmpSa sa) {
    return tag(sa) + " sending packet to " + sa.peerAddress + " my_port " + sa.localPort + " peer_port " + sa.peerPort
        + " " + role(sa) + " " + saState(sa);
  }

  /**
   * A datagram arrived, as IOS traces it before anything else (the seed's {@code ISAKMP (0:268435457): received
   * packet from 10.2.80.209 dport 500 sport 500 Global (I) QM_IDLE}; a datagram of no SA is {@code (N) NEW SA}).
   */
  static String receivedPacket(IsakmpSa sa, String peerAddress, int localPort, int peerPort) {
    String where = "received packet from " + peerAddress + " dport " + localPort + " sport " + peerPort + " Global ";
    return sa == null ? "ISAKMP (0:0): " + where + "(N) NEW SA"
        : "ISAKMP (0:" + sa.connId + "): " + where + role(sa) + " " + sa.summary().state();
  }

  /** Our request went unanswered and goes again (IOS counts it on the SA: {@code incrementing error counter}). */
  static String retransmitting(IsakmpSa sa, int attempt, int tries) {
    int phase = sa.established() ? 2 : 1;
    return tag(sa) + "incrementing error counter on sa, attempt " + attempt + " of " + tries + ": retransmit phase "
        + phase + "\n" + tag(sa) + " retransmitting phase " + phase + " " + sa.summary().state() + "...";
  }

  static String dpdSent(IsakmpSa sa, long sequence) {
    return tag(sa) + "DPD/R_U_THERE sent to peer " + sa.peerAddress + ", sequence 0x" + Long.toHexString(sequence);
  }

  static String dpdReceived(IsakmpSa sa, String notify, long sequence) {
    return tag(sa) + " DPD/" + notify + " received from peer " + sa.peerAddress + ", sequence 0x"
        + Long.toHexString(sequence);
  }

  static String deletingSa(IsakmpSa sa, String reason) {
    return tag(sa) + "deleting SA reason \"" + iosReason(reason) + "\" state " + role(sa) + " "
        + String.format("%-12s", saState(sa)) + "(peer " + sa.peerAddress + ") input queue 0";
  }

  private static String role(IsakmpSa sa) {
    return sa.initiator ? "(I)" : "(R)";
  }

  /** Logs the line when {@code debug crypto isakmp} is on. */
  void log(String line) {
    trace.line(line);
  }
}

package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.wire.ReplyCache;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Inbound ISAKMP: each datagram to its SA by initiator cookie (checked against the peer's address and the
 * responder cookie, RFC 2408 §2.5.3), a retransmitted request answered from the reply cache, then by exchange
 * type to the exchange class (Main Mode, Aggressive Mode, Quick Mode, Transaction, Informational); the first
 * message of a phase 1 we did not start only within the half-open limits. Malformed input ends here as a
 * logged drop.
 */
final class IsakmpDispatcher {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private final Ikev1Engine e;

  IsakmpDispatcher(Ikev1Engine engine) {
    this.e = engine;
  }

  /** One ISAKMP datagram (non-ESP marker already removed); replies go to {@code send}. */
  void receive(IkeDatagram in, Consumer<IkeDatagram> send) {
    e.wire.useTransport(send);
    IsakmpHeader h;
    try {
      h = IsakmpCodec.decodeHeader(in.message());
    } catch (IkeDecodeException ex) {
      LOG.fine(() -> "ISAKMP: dropped datagram from " + in.peerAddress() + ": " + ex.getMessage());
      return;
    }
    IsakmpSa sa = e.table.byCookie(h.initiatorCookie());
    if (sa != null && !sa.peerAddress.equals(in.peerAddress())) {
      // a cookie we know, from somebody else: not ours to answer (RFC 2408 §2.5.3 anti-clogging)
      return;
    }
    if (sa != null && sa.cookieR != 0 && h.responderCookie() != 0 && sa.cookieR != h.responderCookie()) {
      return;
    }
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.receivedPacket(sa, in.peerAddress(), in.localPort(), in.peerPort()));
    }
    byte[] digest = ReplyCache.digest(in.message());
    // RFC 2408 §5: the peer did not get our answer; send the same bytes again, change no state. Only to the
    // SA's own peer port: a copy from elsewhere (a replay with a spoofed source) reflects nothing
    if (sa != null && sa.replies.check(h.messageId(), digest, in.peerPort() == sa.peerPort
        && in.localPort() == sa.localPort, cached -> e.wire.transmit(sa, cached), e.stats) != ReplyCache.Outcome.NEW) {
      return;
    }
    try {
      switch (h.exchangeType()) {
        case IsakmpConstants.EXCH_IDENTITY_PROTECTION -> mainMode(sa, in, h, digest);
        case IsakmpConstants.EXCH_AGGRESSIVE -> aggressiveMode(sa, in, h, digest);
        case IsakmpConstants.EXCH_QUICK_MODE -> {
          if (sa != null && sa.established()) {
            QuickModeExchange.receive(e, sa, in, h, digest);
          }
        }
        case IsakmpConstants.EXCH_TRANSACTION -> {
          if (sa != null && sa.established()) {
            TransactionExchange.receive(e, sa, in, h, digest);
          }
        }
        case IsakmpConstants.EXCH_INFORMATIONAL -> {
          if (sa != null) {
            InformationalExchange.receive(e, sa, in, h);
          }
        }
        default -> LOG.fine(() -> "ISAKMP: exchange type " + h.exchangeType() + " not supported");
      }
    } catch (IkeDecodeException ex) {
      LOG.fine(() -> "ISAKMP: malformed message from " + in.peerAddress() + ": " + ex.getMessage());
    }
  }

  private void mainMode(IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) throws IkeDecodeException {
    if (sa == null) {
      Ikev1Policy policy = admitResponder(in, h, true);
      if (policy != null) {
        MainModeResponder.onMm1(e, policy, in, h, IsakmpCodec.decode(in.message()), digest);
      }
      return;
    }
    if (sa.aggressive) {
      return;
    }
    if (sa.initiator) {
      MainModeInitiator.receive(e, sa, in, h);
    } else {
      MainModeResponder.receive(e, sa, in, h, digest);
    }
  }

  private void aggressiveMode(IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest)
      throws IkeDecodeException {
    if (sa == null) {
      if (!e.aggressiveModeAccepted()) {
        LOG.info(() -> "ISAKMP: Aggressive Mode from " + in.peerAddress() + " refused (crypto isakmp aggressive-mode"
            + " disable)");
        return;
      }
      Ikev1Policy policy = admitResponder(in, h, false);
      if (policy != null) {
        AggressiveModeResponder.onAm1(e, policy, in, h, IsakmpCodec.decode(in.message()), digest);
      }
      return;
    }
    if (!sa.aggressive) {
      return;
    }
    if (sa.initiator) {
      AggressiveModeInitiator.receive(e, sa, in, h);
    } else {
      AggressiveModeResponder.receive(e, sa, in, h);
    }
  }

  /**
   * The first message of a phase-1 exchange we did not start: the policy for its peer, or null when it
   * gets no answer and no state (no key for the peer, too many half-open exchanges, the peer's quota). A dynamic
   * crypto map answers Main Mode only: the responder's AM2 carries HASH_R, keyed with the pre-shared key, without
   * encryption (RFC 2409 §5.4), which with a key shared by every spoke would let anyone who sends an AM1 test
   * guesses of that key offline.
   */
  private Ikev1Policy admitResponder(IkeDatagram in, IsakmpHeader h, boolean mainMode) {
    if (h.responderCookie() != 0 || h.encrypted()) {
      return null;
    }
    Ikev1Policy policy = mainMode ? e.mainModeResponderPolicy(in.peerAddress()) : e.policyForPeer(in.peerAddress());
    if (policy == null) {
      LOG.info(() -> "ISAKMP: no crypto isakmp key / crypto map for peer " + in.peerAddress());
      return null;
    }
    if (e.table.halfOpen() >= IsakmpSaTable.MAX_HALF_OPEN) {
      LOG.warning(() -> "ISAKMP: " + IsakmpSaTable.MAX_HALF_OPEN + " half-open phase-1 exchanges, first message from "
          + in.peerAddress() + " dropped");
      return null;
    }
    if (!e.table.halfOpenPerPeer.admits(in.peerAddress())) {
      // RFC 8019 §4 (written for IKEv2, the same flood works on Main Mode): one address, bounded state
      e.stats.requestDropped(1, DosCounters.HALF_OPEN_PEER_QUOTA);
      LOG.fine(() -> "ISAKMP: half-open quota of " + in.peerAddress() + " reached, MM1 dropped");
      return null;
    }
    return policy;
  }
}

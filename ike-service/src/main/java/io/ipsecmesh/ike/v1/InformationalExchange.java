package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Delete;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.sa.ChildSa;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Informational exchanges (RFC 2409 §5.7): HDR*, HASH(1), N/D with HASH(1) = prf(SKEYID_a, M-ID | N/D)
 * and an IV of hash(last phase-1 block | M-ID) for each message. Carries RFC 3706 DPD (R-U-THERE and
 * its ACK echo the sequence number; the SPI is CKY-I | CKY-R), DELETE of the ISAKMP SA or of ESP SAs,
 * and INITIAL-CONTACT. One-way: nothing is retransmitted (a DPD "retransmission" is a new R-U-THERE with
 * the next sequence number, RFC 3706 §6.2).
 */
final class InformationalExchange {

  private static final Logger LOG = Logger.getLogger(InformationalExchange.class.getName());

  private InformationalExchange() {}

  static void send(Ikev1Engine e, IsakmpSa sa, List<IsakmpPayload> payloads) {
    if (sa.keys == null || sa.phase1Iv == null) {
      return;
    }
    long mid = e.table.newMessageId(sa);
    sa.answered.put(mid, Boolean.TRUE);
    byte[] iv = Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block());
    e.wire.transmit(sa, Protection.seal(sa, EXCH_INFORMATIONAL, mid, iv, Protection.withHash(sa, mid, new byte[0], payloads)));
  }

  static void sendProbe(Ikev1Engine e, IsakmpSa sa, long timeoutMillis, Consumer<Boolean> outcome) {
    if (sa.dpdSequence == 0) {
      // RFC 3706 §6.2: random start with the high bit clear, so it does not wrap soon
      sa.dpdSequence = 1 + (e.random.nextInt() & 0x3fffffffL);
    } else {
      sa.dpdSequence = (sa.dpdSequence + 1) & 0xffffffffL;
    }
    long seq = sa.dpdSequence;
    var timer = e.scheduler.schedule(timeoutMillis, () -> {
      IsakmpSa.PendingProbe p = sa.probes.remove(seq);
      if (p != null) {
        p.outcome().accept(false);
      }
    });
    sa.probes.put(seq, new IsakmpSa.PendingProbe(outcome, timer));
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.dpdSent(sa, seq));
    }
    send(e, sa, List.of(dpd(sa, N_R_U_THERE, seq)));
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.sendingPacket(sa));
    }
  }

  static void sendDeleteIsakmp(Ikev1Engine e, IsakmpSa sa) {
    send(e, sa, List.of(new Delete(DOI_IPSEC, PROTO_ISAKMP, 16, List.of(MainModeInitiator.cookies(sa)))));
  }

  /** RFC 2408 §3.15: the SPIs we list are our inbound ones (the SAs the peer sends on). */
  static void sendDeleteEsp(Ikev1Engine e, IsakmpSa sa, List<ChildSa> children) {
    send(e, sa, List.of(new Delete(DOI_IPSEC, PROTO_IPSEC_ESP, 4,
        children.stream().map(c -> IsakmpCodec.uint32(c.inboundSpi())).toList())));
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h) throws IkeDecodeException {
    if (!h.encrypted()) {
      // only before keys exist may a peer tell us, in clear, why it refused (RFC 2408 §5.4)
      if (sa.initiator && !sa.established()) {
        Notification n = IsakmpCodec.decode(in.message()).first(Notification.class);
        if (n != null && n.notifyType() < 16384) {
          e.life.fail(sa, MainModeInitiator.notifyName(n.notifyType()));
        }
      }
      return;
    }
    long mid = h.messageId();
    if (!sa.established() || mid == 0 || sa.answered.containsKey(mid)) {
      return;
    }
    Protection.Opened o = Protection.open(sa, in.message(), h,
        Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block()));
    if (o == null || !Protection.verifyHash1(sa, o)) {
      LOG.fine(() -> "ISAKMP: informational from " + sa.peerAddress + " with a bad HASH(1), dropped");
      return;
    }
    sa.answered.put(mid, Boolean.TRUE);
    e.life.authenticatedFrom(sa, in);
    e.life.liveness(sa);
    for (IsakmpPayload p : o.chain().payloads()) {
      switch (p) {
        case Notification n -> notification(e, sa, n);
        case Delete d -> delete(e, sa, d);
        default -> {
          // the HASH, or payloads an informational does not carry
        }
      }
      if (sa.state == IsakmpSa.Phase1State.DEAD) {
        return;
      }
    }
    // its message ID is used now, and a DELETE may have removed Child SAs
    e.takeover.checkpoint(sa);
  }

  private static void notification(Ikev1Engine e, IsakmpSa sa, Notification n) {
    switch (n.notifyType()) {
      case N_R_U_THERE -> {
        // RFC 3706 §6.1: the SPI must be our cookie pair; the ACK echoes the sequence number. Answered
        // always (also a repeated number: charon repeats it in an unanswered probe's successor)
        if (cookiesMatch(sa, n) && n.dpdSequence() >= 0) {
          if (e.debug.on()) {
            e.debug.log(IsakmpDebug.dpdReceived(sa, "R_U_THERE", n.dpdSequence()));
          }
          send(e, sa, List.of(dpd(sa, N_R_U_THERE_ACK, n.dpdSequence())));
        }
      }
      case N_R_U_THERE_ACK -> {
        if (cookiesMatch(sa, n)) {
          if (e.debug.on()) {
            e.debug.log(IsakmpDebug.dpdReceived(sa, "R_U_THERE_ACK", n.dpdSequence()));
          }
          IsakmpSa.PendingProbe p = sa.probes.remove(n.dpdSequence());
          if (p != null) {
            p.timeout().cancel();
            p.outcome().accept(true);
          }
        }
      }
      case N_INITIAL_CONTACT -> e.life.initialContact(sa);
      case N_INVALID_SPI -> {
        // the peer has no SA for this SPI (our outbound): stop using it, the next packet will acquire anew
        if (n.protocolId() == PROTO_IPSEC_ESP && n.spi().length == 4) {
          long spi = IsakmpCodec.getUint32(n.spi(), 0);
          for (ChildSa c : List.copyOf(sa.children)) {
            if (c.outboundSpi() == spi) {
              e.life.removeChild(sa, c, "invalid-spi");
            }
          }
        }
      }
      default -> {
        String name = MainModeInitiator.notifyName(n.notifyType());
        LOG.info(() -> "ISAKMP: notify " + name + " from " + sa.peerAddress);
        if (n.notifyType() < 16384) {
          // RFC 2408 §3.14.1: an error type; the peer refused what we asked in Quick Mode
          QuickModeExchange.abandonOurs(e, sa, name);
        }
      }
    }
  }

  private static void delete(Ikev1Engine e, IsakmpSa sa, Delete d) {
    if (d.protocolId() == PROTO_ISAKMP && d.spiSize() == 16) {
      for (byte[] spi : d.spis()) {
        if (MessageDigest.isEqual(spi, MainModeInitiator.cookies(sa))) {
          // the ISAKMP SA only: its Child SAs stay (a peer that ends them sends their DELETE too)
          e.life.detach(sa, "peer-delete");
          return;
        }
      }
    } else if (d.protocolId() == PROTO_IPSEC_ESP && d.spiSize() == 4) {
      for (byte[] spi : d.spis()) {
        long peerInbound = IsakmpCodec.getUint32(spi, 0);
        for (ChildSa c : List.copyOf(sa.children)) {
          if (c.outboundSpi() == peerInbound) {
            e.life.removeChild(sa, c, "peer-delete");
          }
        }
      }
    }
  }

  private static Notification dpd(IsakmpSa sa, int type, long seq) {
    return new Notification(DOI_IPSEC, PROTO_ISAKMP, type, MainModeInitiator.cookies(sa), IsakmpCodec.uint32(seq));
  }

  private static boolean cookiesMatch(IsakmpSa sa, Notification n) {
    return MessageDigest.isEqual(n.spi(), MainModeInitiator.cookies(sa));
  }
}

package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.ConfigAttributes;
import java.util.List;
import java.util.logging.Logger;

/**
 * The ISAKMP Transaction exchange (draft-dukes-ike-mode-cfg §3.1) that carries XAUTH and Mode Config after
 * phase 1: {@code HDR*, HASH, ATTR} with HASH = prf(SKEYID_a, M-ID | ATTR) in both directions, each message
 * pair under its own message ID; the first message's IV is hash(last phase-1 block | M-ID), the answer's
 * the last cipher block of the question (RFC 2409 Appendix B, as in Quick Mode). This class protects,
 * opens and routes; the client roles are {@link XauthClient} and {@link ModeConfigClient}.
 */
final class TransactionExchange {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private TransactionExchange() {}

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) {
    long mid = h.messageId();
    if (mid == 0 || !h.encrypted() || sa.answered.containsKey(mid)) {
      return;
    }
    byte[] ourRequestIv = sa.transactionIvs.remove(mid);
    byte[] iv = ourRequestIv != null ? ourRequestIv
        : Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block());
    Protection.Opened o = Protection.open(sa, in.message(), h, iv);
    if (o == null || !Protection.verifyHash1(sa, o)) {
      LOG.fine(() -> "ISAKMP: Transaction from " + sa.peerAddress + " with a bad HASH, dropped");
      if (ourRequestIv != null) {
        sa.transactionIvs.put(mid, ourRequestIv);
      }
      return;
    }
    ConfigAttributes attrs = o.chain().first(ConfigAttributes.class);
    if (attrs == null) {
      return;
    }
    sa.answered.put(mid, Boolean.TRUE);
    e.life.authenticatedFrom(sa, in);
    e.life.liveness(sa);
    Reply reply = new Reply(e, sa, mid, digest, CbcCipher.lastBlock(in.message(), sa.keys.block()));
    boolean xauth = attrs.attributes().stream().anyMatch(a -> a.attributeType() >= XAUTH_TYPE
        && a.attributeType() <= XAUTH_ANSWER);
    if (sa.policy.xauth() == null) {
      LOG.info(() -> "ISAKMP: " + sa.peerAddress + " started a Transaction exchange; no Easy VPN remote is"
          + " configured for it, ignored");
      return;
    }
    if (xauth) {
      XauthClient.receive(e, sa, attrs, reply);
    } else {
      ModeConfigClient.receive(e, sa, attrs, reply);
    }
  }

  /** Our first message of a Transaction exchange (a Mode Config REQUEST), retransmitted until answered. */
  static void request(Ikev1Engine e, IsakmpSa sa, ConfigAttributes attrs) {
    long mid = e.table.newMessageId(sa);
    byte[] iv = Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block());
    byte[] msg = Protection.seal(sa, EXCH_TRANSACTION, mid, iv, Protection.withHash(sa, mid, new byte[0],
        List.<IsakmpPayload>of(attrs)));
    sa.transactionIvs.put(mid, CbcCipher.lastBlock(msg, sa.keys.block()));
    e.wire.request(sa, msg);
  }

  /** How to answer the message being processed: same message ID, CBC chained from it, cached for its repeats. */
  record Reply(Ikev1Engine e, IsakmpSa sa, long messageId, byte[] requestDigest, byte[] iv) {
    void send(ConfigAttributes attrs) {
      byte[] msg = Protection.seal(sa, EXCH_TRANSACTION, messageId, iv, Protection.withHash(sa, messageId,
          new byte[0], List.<IsakmpPayload>of(attrs)));
      e.wire.reply(sa, requestDigest, msg);
    }
  }
}

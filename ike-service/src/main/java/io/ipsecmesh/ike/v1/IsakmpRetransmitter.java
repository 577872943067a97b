package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The wire side of the ISAKMP SAs: sends datagrams, retransmits our outstanding request until it is
 * answered or the {@link RetransmitPolicy} gives up (RFC 2408 §5: ISAKMP leaves reliability to the
 * exchange), and remembers our answers by the digest of the request, so a peer's retransmission gets the
 * same bytes again and changes no state.
 */
final class IsakmpRetransmitter {

  private static final Logger LOG = Logger.getLogger(IsakmpRetransmitter.class.getName());

  private final Scheduler scheduler;
  private final RetransmitPolicy policy;
  /** What happens to an SA whose request went unanswered ({@code retransmissions-exceeded}). */
  private final BiConsumer<IsakmpSa, String> giveUp;
  private Consumer<IkeDatagram> transport;

  IsakmpRetransmitter(Scheduler scheduler, RetransmitPolicy policy, Consumer<IkeDatagram> transport,
      BiConsumer<IsakmpSa, String> giveUp) {
    this.scheduler = scheduler;
    this.policy = policy;
    this.transport = transport;
    this.giveUp = giveUp;
  }

  /** The sender of the last datagram received becomes the sender for timer-driven messages too. */
  void useTransport(Consumer<IkeDatagram> transport) {
    this.transport = transport;
  }

  RetransmitPolicy policy() {
    return policy;
  }

  void transmit(IsakmpSa sa, byte[] message) {
    transport.accept(new IkeDatagram(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort, message));
  }

  /** Send a request and retransmit it until {@link #answered(IsakmpSa)} or the policy gives up. */
  void request(IsakmpSa sa, byte[] message) {
    answered(sa);
    sa.outstanding = message;
    sa.retransmissions = 0;
    transmit(sa, message);
    arm(sa);
  }

  private void arm(IsakmpSa sa) {
    sa.retransmitTimer = scheduler.schedule(policy.delayBefore(sa.retransmissions), () -> {
      if (sa.outstanding == null || sa.state == IsakmpSa.Phase1State.DEAD) {
        return;
      }
      if (sa.retransmissions >= policy.tries()) {
        LOG.info(() -> "ISAKMP: no answer from " + sa.peerAddress + " after " + policy.tries()
            + " retransmissions");
        giveUp.accept(sa, "retransmissions-exceeded");
        return;
      }
      sa.retransmissions++;
      transmit(sa, sa.outstanding);
      arm(sa);
    });
  }

  /** Our outstanding request got its answer: no more retransmissions. */
  void answered(IsakmpSa sa) {
    sa.outstanding = null;
    if (sa.retransmitTimer != null) {
      sa.retransmitTimer.cancel();
      sa.retransmitTimer = null;
    }
  }

  /** Send the answer to a request and remember both, for the peer's retransmissions of the request. */
  void reply(IsakmpSa sa, byte[] requestDigest, byte[] message) {
    sa.replies.remember(IsakmpCodec.getUint32(message, 20), requestDigest, message);
    transmit(sa, message);
  }
}

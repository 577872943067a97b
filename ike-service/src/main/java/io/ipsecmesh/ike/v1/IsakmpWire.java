package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.wire.Retransmitter;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The wire side of the ISAKMP SAs: sends datagrams, retransmits our outstanding request with the
 * {@link Retransmitter} IKEv2 uses too until it is answered or the {@link RetransmitPolicy} gives up (RFC 2408
 * §5: ISAKMP leaves reliability to the exchange), and remembers our answers in the SA's
 * {@link io.ipsecmesh.ike.wire.ReplyCache}, so a peer's retransmission gets the same bytes again and changes no
 * state.
 */
final class IsakmpWire {

  private static final Logger LOG = Logger.getLogger(IsakmpWire.class.getName());

  private final Scheduler scheduler;
  private final RetransmitPolicy policy;
  /** What happens to an SA whose request went unanswered ({@code retransmissions-exceeded}). */
  private final BiConsumer<IsakmpSa, String> giveUp;
  private Consumer<IkeDatagram> transport;
  /** {@code debug crypto isakmp}: retransmissions are traced as IOS does. */
  private final IsakmpDebug debug;

  IsakmpWire(Scheduler scheduler, RetransmitPolicy policy, Consumer<IkeDatagram> transport,
      BiConsumer<IsakmpSa, String> giveUp, IsakmpDebug debug) {
    this.debug = debug;
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
    if (sa.retransmitter == null) {
      sa.retransmitter = new Retransmitter(scheduler, policy);
    }
    transmit(sa, message);
    sa.retransmitter.start(message, new Retransmitter.Owner() {
      @Override
      public void retransmit(int n, java.util.List<byte[]> request) {
        if (sa.state == IsakmpSa.Phase1State.DEAD) {
          sa.retransmitter.stop();
          return;
        }
        if (debug.on()) {
          debug.log(IsakmpDebug.retransmitting(sa, n, policy.tries()));
        }
        request.forEach(datagram -> transmit(sa, datagram)); // ISAKMP has no fragments here: one datagram
      }

      @Override
      public void gaveUp(int retransmissions) {
        if (sa.state == IsakmpSa.Phase1State.DEAD) {
          return;
        }
        LOG.info(() -> "ISAKMP: no answer from " + sa.peerAddress + " after " + retransmissions
            + " retransmissions");
        giveUp.accept(sa, "retransmissions-exceeded");
      }
    });
  }

  /** Our outstanding request got its answer: no more retransmissions. */
  void answered(IsakmpSa sa) {
    if (sa.retransmitter != null) {
      sa.retransmitter.stop();
    }
  }

  /** Send the answer to a request and remember both, for the peer's retransmissions of the request. */
  void reply(IsakmpSa sa, byte[] requestDigest, byte[] message) {
    sa.replies.remember(IsakmpCodec.getUint32(message, 20), requestDigest, message);
    transmit(sa, message);
  }
}

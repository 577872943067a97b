package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;
import java.util.Optional;

/**
 * Rekeying a Child SA (RFC 7296 §1.3.3, §2.8), both roles, after strongSwan's {@code child_rekey.c}: a
 * {@link ChildCreateTask} for the new SA with N(REKEY_SA) naming the old one, then — initiator — a DELETE of
 * the old SA, once the forwarder holds the new one ({@link InstallConfirmations}). When the peer rekeys the same SA
 * at the same time, the task manager hands its passive task to ours ({@link #collide}) and the nonces decide which
 * new SA is redundant (§2.8.1, {@link RekeyCollision}).
 */
final class ChildRekeyTask implements Task {

  private final SaServices s;
  /** Initiator: the SA being replaced. */
  private final ChildSaState old;
  private final ChildCreateTask child;
  /** Responder: the peer's outbound SPI of the SA it rekeys (our inbound), from its N(REKEY_SA). */
  private long rekeyedInbound = -1;
  private List<Payload> refusal;
  /** The peer's simultaneous rekey of the same SA, handed over by the task manager. */
  private ChildRekeyTask collision;

  /** Responder. */
  ChildRekeyTask(SaServices s) {
    this(s, null);
  }

  /** Initiator: rekeys {@code old} (the forwarder reported its soft lifetime). */
  ChildRekeyTask(SaServices s, ChildSaState old) {
    this.s = s;
    this.old = old;
    this.child = ChildCreateTask.rekeying(s, old);
  }

  @Override
  public Type type() {
    return Type.CHILD_REKEY;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.CREATE_CHILD_SA;
  }

  @Override
  public String name() {
    return String.format("REKEY %08x", old == null ? rekeyedInbound : old.inboundSpi());
  }

  // ============================================================================ initiator

  @Override
  public List<Payload> buildI(IkeSa sa) {
    return child.buildI(sa);
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    child.processI(sa, response);
    if (child.created() == null) {
      return Status.DONE;
    }
    long newSpi = child.created().inboundSpi();
    if (collision != null && collision.child.created() != null
        && RekeyCollision.lowestIsOurs(child.ni(), child.nr(), collision.child.ni(), collision.child.nr())) {
      // the SA our exchange created holds the lowest nonce: it is redundant and ours to delete
      sa.children.stream().filter(c -> c.inboundSpi() == newSpi).findFirst().ifPresent(c -> {
        s.removeChild(sa, c, "rekey-collision");
        sa.tasks.enqueue(DeleteTask.child(s, "DELETE-REDUNDANT-CHILD", newSpi));
      });
    }
    if (sa.children.contains(old)) {
      s.removeChild(sa, old, "rekey");
      // the peer sends on the new SA as soon as the old one is gone for it: our forwarder must hold the new one by
      // then, or those packets are dropped as invalid SPI here (seen under load: the install was still on the bus)
      long oldSpi = old.inboundSpi();
      s.confirmations.release(s.confirmations.expect(null, newSpi), () -> {
        if (sa.state != IkeSa.State.DELETED) {
          sa.tasks.queue(DeleteTask.child(s, "DELETE-OLD-CHILD", oldSpi));
        }
      });
    }
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {
    child.failed(sa);
  }

  /** §2.8.1: the peer rekeys the SA we rekey (its N(REKEY_SA) names our outbound SPI of it). */
  @Override
  public void collide(Task passive) {
    ChildRekeyTask other = (ChildRekeyTask) passive; // same Type: the task manager matched them
    if (old != null && other.rekeyedInbound == old.outboundSpi()) {
      collision = other;
    }
  }

  // ============================================================================ responder

  @Override
  public Status processR(IkeSa sa, Inbound request) {
    Optional<Payload.Notify> rekey = new IkeMessage(null, request.payloads()).notify(IkeConstants.REKEY_SA);
    byte[] spi = rekey.map(Payload.Notify::spi).orElse(new byte[0]);
    rekeyedInbound = spi.length == 4 ? IkeCodec.getUint32(spi, 0) : -1;
    if (SaServices.byOutboundSpi(sa, rekeyedInbound).isEmpty()) {
      refusal = List.of(new Payload.Notify(IkeConstants.PROTO_ESP, spi, IkeConstants.CHILD_SA_NOT_FOUND,
          new byte[0]));
      return Status.DONE;
    }
    return child.processR(sa, request);
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return refusal != null ? refusal : child.buildR(sa);
  }
}

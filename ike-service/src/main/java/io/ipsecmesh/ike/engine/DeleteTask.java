package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;

/**
 * Deleting an SA (RFC 7296 §1.4.1). Initiator: an INFORMATIONAL with a Delete payload — of the IKE SA, or
 * of Child SAs by our inbound SPIs — and what follows its answer (or its loss). Responder: Delete payloads of
 * Child SAs are answered with our SPIs of the same pairs; a Delete of the IKE SA, or an
 * AUTHENTICATION_FAILED notify (§2.21.2), ends the IKE SA once the empty answer is out.
 */
final class DeleteTask implements Task {

  private final SaServices s;
  private final String name;
  private final List<Payload> request;
  private final Runnable done;
  // responder
  private boolean deleteIke;
  private final List<byte[]> ourDeleted = new ArrayList<>();

  /** Responder. */
  DeleteTask(SaServices s) {
    this(s, "DELETE", List.of(), null);
  }

  private DeleteTask(SaServices s, String name, List<Payload> request, Runnable done) {
    this.s = s;
    this.name = name;
    this.request = request;
    this.done = done;
  }

  /** Initiator: deletes the IKE SA; {@code done} runs on the answer or when none comes. */
  static DeleteTask ike(SaServices s, String name, Runnable done) {
    return new DeleteTask(s, name, List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())), done);
  }

  /** Initiator: deletes the Child SA whose inbound SPI is ours {@code inboundSpi}. */
  static DeleteTask child(SaServices s, String name, long inboundSpi) {
    return new DeleteTask(s, name, List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4,
        List.of(SaServices.spiBytes(inboundSpi)))), null);
  }

  @Override
  public Type type() {
    return Type.DELETE;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.INFORMATIONAL;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Payload> buildI(IkeSa sa) {
    return request;
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    if (done != null) {
      done.run();
    }
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {
    if (done != null) {
      done.run();
    }
  }

  @Override
  public Status processR(IkeSa sa, Inbound in) {
    for (Payload p : in.payloads()) {
      if (p instanceof Payload.Delete del) {
        if (del.protocolId() == IkeConstants.PROTO_IKE) {
          deleteIke = true;
        } else if (del.protocolId() == IkeConstants.PROTO_ESP && del.spiSize() == 4) {
          for (byte[] spi : del.spis()) {
            for (ChildSaState c : SaServices.byOutboundSpi(sa, IkeCodec.getUint32(spi, 0))) {
              ourDeleted.add(SaServices.spiBytes(c.inboundSpi()));
              s.removeChild(sa, c, "delete");
            }
          }
        }
      } else if (p instanceof Payload.Notify n && n.notifyType() == IkeConstants.AUTHENTICATION_FAILED) {
        deleteIke = true;
      }
    }
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return deleteIke || ourDeleted.isEmpty() ? List.of()
        : List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4, ourDeleted));
  }

  @Override
  public void responded(IkeSa sa) {
    if (deleteIke) {
      s.teardown(sa, "delete");
    }
  }
}

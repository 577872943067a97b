package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;

/**
 * The INVALID_SPI notify (RFC 7296 §2.21.4; IPsec Data Plane guide, Invalid Security Parameter Index
 * Recovery). Initiator: ESP came in for SPIs we do not know; tell the peer in a protected INFORMATIONAL so it
 * drops its stale SA and renegotiates. Responder: the peer lost the SA we send on; drop ours, and the next
 * packet's ACQUIRE renegotiates.
 */
final class InvalidSpiTask implements Task {

  private final SaServices s;
  private final List<Long> spis;

  /** Responder. */
  InvalidSpiTask(SaServices s) {
    this(s, List.of());
  }

  private InvalidSpiTask(SaServices s, List<Long> spis) {
    this.s = s;
    this.spis = spis;
  }

  /** Initiator: reports {@code spis}. */
  static InvalidSpiTask notifying(SaServices s, List<Long> spis) {
    return new InvalidSpiTask(s, List.copyOf(spis));
  }

  @Override
  public Type type() {
    return Type.INVALID_SPI;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.INFORMATIONAL;
  }

  @Override
  public String name() {
    return "INVALID_SPI";
  }

  @Override
  public List<Payload> buildI(IkeSa sa) {
    List<Payload> notifies = new ArrayList<>();
    for (long spi : spis) {
      notifies.add(new Payload.Notify(IkeConstants.PROTO_ESP, new byte[0], IkeConstants.INVALID_SPI,
          SaServices.spiBytes(spi)));
    }
    return notifies;
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {}

  @Override
  public Status processR(IkeSa sa, Inbound in) {
    for (Payload p : in.payloads()) {
      if (p instanceof Payload.Notify n && n.notifyType() == IkeConstants.INVALID_SPI && n.data().length == 4) {
        for (ChildSaState c : SaServices.byOutboundSpi(sa, IkeCodec.getUint32(n.data(), 0))) {
          s.removeChild(sa, c, "invalid-spi");
        }
      }
    }
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return List.of();
  }
}

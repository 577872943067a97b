package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/** A one-shot INFORMATIONAL whose outcome nobody waits for (DELETE, notifications). */
final class InformationalExchange implements Exchange {
  private final String name;
  private final List<Payload> payloads;
  private final Runnable done;

  InformationalExchange(String name, List<Payload> payloads, Runnable done) {
    this.name = name;
    this.payloads = payloads;
    this.done = done;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.INFORMATIONAL;
  }

  @Override
  public List<Payload> request(IkeSa sa) {
    return payloads;
  }

  @Override
  public void response(IkeSa sa, List<Payload> p) {
    if (done != null) {
      done.run();
    }
  }

  @Override
  public void failed(IkeSa sa) {
    if (done != null) {
      done.run();
    }
  }

  @Override
  public String name() {
    return name;
  }
}

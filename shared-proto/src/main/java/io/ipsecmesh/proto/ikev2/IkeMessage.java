package io.ipsecmesh.proto.ikev2;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A decoded IKE message: header plus the payload chain in wire order. */
public record IkeMessage(IkeHeader header, List<Payload> payloads) {

  public <T extends Payload> Optional<T> first(Class<T> type) {
    for (Payload p : payloads) {
      if (type.isInstance(p)) {
        return Optional.of(type.cast(p));
      }
    }
    return Optional.empty();
  }

  public <T extends Payload> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Payload p : payloads) {
      if (type.isInstance(p)) {
        out.add(type.cast(p));
      }
    }
    return out;
  }

  public Optional<Payload.Notify> notify(int notifyType) {
    for (Payload p : payloads) {
      if (p instanceof Payload.Notify n && n.notifyType() == notifyType) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }
}

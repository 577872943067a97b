package io.ipsecmesh.proto.ikev1;

import java.util.List;

/**
 * A decoded payload chain with where each payload sat in the buffer it came from: IKEv1 hashes cover
 * payloads as they were sent (SAi_b, IDii_b, "the rest of the message after HASH"), so the exchange code
 * needs the original bytes, not a re-encoding.
 *
 * @param payloads the payloads in wire order
 * @param spans    for each payload the offset of its generic header and its length (incl. the header)
 * @param end      offset just past the last payload; decrypted messages may carry padding after it
 */
public record PayloadChain(List<IsakmpPayload> payloads, List<Span> spans, int end) {

  /** Position of one payload, generic header included. */
  public record Span(int offset, int length) {

    /** Offset of the payload body (after the 4-byte generic header). */
    public int bodyOffset() {
      return offset + 4;
    }

    public int bodyLength() {
      return length - 4;
    }
  }

  /** The first payload of this class, or null. */
  public <T extends IsakmpPayload> T first(Class<T> kind) {
    for (IsakmpPayload p : payloads) {
      if (kind.isInstance(p)) {
        return kind.cast(p);
      }
    }
    return null;
  }

  /** Index of the first payload of this class, -1 if none. */
  public int indexOf(Class<? extends IsakmpPayload> kind) {
    for (int i = 0; i < payloads.size(); i++) {
      if (kind.isInstance(payloads.get(i))) {
        return i;
      }
    }
    return -1;
  }

  public <T extends IsakmpPayload> List<T> all(Class<T> kind) {
    return payloads.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}

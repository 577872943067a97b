package io.ipsecmesh.ike.fragment;

import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sending half of RFC 7383: a protected message either as one SK message or, when it would not fit
 * {@code maxMessageBytes}, as IKE Fragment messages (§2.5): the plaintext content of the SK payload is cut into
 * chunks regardless of inner payload boundaries, and each chunk goes out in its own SKF payload, encrypted and
 * authenticated on its own, under the original header (same message ID, flags and exchange). Stateless; the
 * fragments are built once and retransmitted as they are (§2.6.1: the responder recognises a retransmission by
 * its first fragment's bytes).
 */
public final class IkeFragmenter {

  /**
   * The least content a fragment carries, whatever the MTU: below this (an MTU near IOS's minimum of 68, which
   * cannot even hold the headers, §2.2) the fragments exceed the MTU and are left to IP fragmentation.
   */
  static final int MIN_CHUNK = 63;

  private IkeFragmenter() {}

  /**
   * {@code inner} under {@code header}: one SK message when it fits {@code maxMessageBytes} (IKE header onwards)
   * or when that is 0 (fragmentation not negotiated), otherwise IKE Fragment messages of at most that size.
   */
  public static List<byte[]> protect(SkCipher cipher, IkeHeader header, List<Payload> inner, int maxMessageBytes) {
    byte[] plain = IkeCodec.encodeChain(inner);
    try {
      if (maxMessageBytes <= 0 || cipher.protectedLength(plain.length) <= maxMessageBytes) {
        return List.of(cipher.protect(header, inner));
      }
      int chunk = Math.max(MIN_CHUNK, cipher.fragmentCapacity(maxMessageBytes));
      int total = (plain.length + chunk - 1) / chunk;
      if (total > 0xffff) {
        throw new IllegalArgumentException("a message of " + plain.length + " bytes in fragments of " + chunk);
      }
      int first = inner.get(0).type();
      List<byte[]> out = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        int off = i * chunk;
        out.add(cipher.protectFragment(header, first, i + 1, total, plain, off, Math.min(chunk, plain.length - off)));
      }
      return List.copyOf(out);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * The largest IKE message (IKE header onwards) that fits an IP datagram of {@code mtu} bytes to a peer at an
   * IPv6 address or not, over port 4500 (with the non-ESP marker of RFC 3948 §2.2) or not.
   */
  public static int maxMessageBytes(int mtu, boolean ipv6, boolean natTraversal) {
    return mtu - (ipv6 ? 40 : 20) - 8 - (natTraversal ? 4 : 0);
  }

  /** Whether {@code payloads} are an IKE Fragment message's (its last payload is SKF). */
  public static boolean isFragment(List<Payload> payloads) {
    return !payloads.isEmpty() && payloads.getLast() instanceof Payload.EncryptedFragment;
  }
}

package io.ipsecmesh.proto.ikev2;

import io.ipsecmesh.proto.testing.Pcap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The strongSwan 5.9.8 captures copied from the shared vectors (see
 * {@code vectors/README-strongswan-vectors.md}), read with {@link Pcap}: the IKE messages of a
 * capture, with the non-ESP marker of port 4500 removed and ESP / NAT-keepalive datagrams skipped. Shared with ike-service's tests through the test-jar.
 */
public final class StrongswanVectors {

  /** One IKE datagram of a capture. */
  public record IkeFrame(int index, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] message) {}

  public static final String[] IKEV2_CAPTURES = {"ikev2-psk-gcm-dpd", "ikev2-psk-cbc", "ikev2-natt-keepalive",
      "ikev2-dpd-timeout"};

  private StrongswanVectors() {}

  public static byte[] resource(String name) {
    return Pcap.resource(StrongswanVectors.class, "vectors/" + name);
  }

  public static String text(String name) {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  public static List<IkeFrame> ikeFrames(String capture) {
    List<IkeFrame> out = new ArrayList<>();
    for (Pcap.Udp d : Pcap.udp(resource(capture + ".pcap"), capture)) {
      byte[] message = d.ikeMessage(IkeHeader.SIZE);
      if (message != null) {
        out.add(new IkeFrame(d.index(), d.srcAddress(), d.srcPort(), d.dstAddress(), d.dstPort(), message));
      }
    }
    return out;
  }
}

package io.ipsecmesh.proto.ikev1;

import io.ipsecmesh.proto.testing.Pcap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The strongSwan 5.9.8 IKEv1 captures copied from the shared vectors (PSK {@code
 * interop-test-psk-0123456789}, see the shared vectors README), read with {@link Pcap}: the ISAKMP
 * messages, with the RFC 3948 non-ESP marker of port 4500 removed and ESP datagrams skipped. Shared
 * with ike-service's tests through the test-jar.
 */
public final class Ikev1Vectors {

  /** One ISAKMP datagram of a capture; {@code index} is the 1-based frame number. */
  public record Frame(int index, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] message) {}

  public static final String[] CAPTURES = {"ikev1-psk-main-dpd", "ikev1-dpd-timeout"};
  public static final String PSK = "interop-test-psk-0123456789";

  private Ikev1Vectors() {}

  public static byte[] resource(String name) {
    return Pcap.resource(Ikev1Vectors.class, "vectors/" + name);
  }

  public static String text(String name) {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  public static List<Frame> frames(String capture) {
    List<Frame> out = new ArrayList<>();
    for (Pcap.Udp d : Pcap.udp(resource(capture + ".pcap"), capture)) {
      byte[] message = d.ikeMessage(IsakmpHeader.SIZE);
      if (message != null) {
        out.add(new Frame(d.index(), d.srcAddress(), d.srcPort(), d.dstAddress(), d.dstPort(), message));
      }
    }
    return out;
  }
}

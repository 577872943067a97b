package io.ipsecmesh.ike.interop;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.HashMap;
import java.util.Map;

/**
 * The child-JVM side of the strongSwan interop tests ({@link InteropPeer}, {@code Ikev1InteropPeer}):
 * their command line, traffic selectors from CIDRs and the stdout events {@link StrongswanHarness.Peer}
 * reads.
 */
public final class InteropPeerSupport {

  private InteropPeerSupport() {}

  /** {@code --name value} pairs as {@code name → value}. */
  public static Map<String, String> options(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return a;
  }

  /** {@code a.b.c.d/n} as the selector of all of that network's addresses, any protocol and port. */
  public static TrafficSelector cidr(String cidr) {
    String[] p = cidr.split("/");
    long base = Ipv4.toLong(p[0]);
    int bits = Integer.parseInt(p[1]);
    long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    return TrafficSelector.anyPorts(Ipv4.toText(base & mask), Ipv4.toText((base & mask) | (~mask & 0xffffffffL)));
  }

  /** One event line on stdout, flushed (events come from several threads). */
  public static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}

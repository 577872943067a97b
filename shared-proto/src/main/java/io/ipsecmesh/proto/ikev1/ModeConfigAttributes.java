package io.ipsecmesh.proto.ikev1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.ike.IkeDecodeException.Kind;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of a Mode Config REPLY or SET (draft-dukes-ike-mode-cfg §3.3) and of the Cisco Unity attributes
 * an Easy VPN server pushes: INTERNAL_IP4_ADDRESS/NETMASK/DNS/NBNS (four bytes each), UNITY_BANNER and
 * UNITY_DEF_DOMAIN (text), UNITY_SAVE_PASSWD (a 16-bit flag, basic or two bytes), UNITY_SPLIT_INCLUDE (14-byte
 * entries: network, mask, six bytes of protocol/ports, which this gateway ignores; or 8-byte ones). Stateless; a value of the
 * wrong size is a {@link IkeDecodeException}, never a runtime exception; attributes it does not know are
 * skipped; text is capped.
 */
public final class ModeConfigAttributes {

  /** Longest banner or domain kept (IOS shows banners of a few lines); the rest is cut. */
  public static final int MAX_TEXT = 2048;
  /** Split-include networks kept, at most. */
  public static final int MAX_SPLIT_INCLUDES = 64;
  private static final int SPLIT_ENTRY = 14;
  private static final int SPLIT_ENTRY_SHORT = 8;

  private ModeConfigAttributes() {}

  /** What the server pushed. Addresses are dotted quads; absent values are null or empty lists. */
  public record ModeConfig(String address, String netmask, List<String> dns, List<String> nbns, String banner,
      String defaultDomain, Boolean savePassword, List<Network> splitIncludes) {
    public ModeConfig {
      dns = List.copyOf(dns);
      nbns = List.copyOf(nbns);
      splitIncludes = List.copyOf(splitIncludes);
    }
  }

  /** A UNITY_SPLIT_INCLUDE entry: network and mask. */
  public record Network(String address, String mask) {}

  /** The attributes a Mode Config client asks for (empty values, draft-dukes-ike-mode-cfg §3.2 REQUEST). */
  public static List<Attribute> request(int... types) {
    List<Attribute> out = new ArrayList<>();
    for (int t : types) {
      out.add(new Attribute(t, false, 0, new byte[0]));
    }
    return out;
  }

  public static ModeConfig decode(List<Attribute> attributes) throws IkeDecodeException {
    String address = null;
    String netmask = null;
    List<String> dns = new ArrayList<>();
    List<String> nbns = new ArrayList<>();
    String banner = null;
    String domain = null;
    Boolean save = null;
    List<Network> split = new ArrayList<>();
    for (Attribute a : attributes) {
      switch (a.attributeType()) {
        case INTERNAL_IP4_ADDRESS -> address = ipv4(a, "INTERNAL_IP4_ADDRESS");
        case INTERNAL_IP4_NETMASK -> netmask = ipv4(a, "INTERNAL_IP4_NETMASK");
        case INTERNAL_IP4_DNS -> dns.add(ipv4(a, "INTERNAL_IP4_DNS"));
        case INTERNAL_IP4_NBNS -> nbns.add(ipv4(a, "INTERNAL_IP4_NBNS"));
        case UNITY_BANNER -> banner = text(a, "UNITY_BANNER");
        case UNITY_DEF_DOMAIN -> domain = text(a, "UNITY_DEF_DOMAIN");
        case UNITY_SAVE_PASSWD -> save = flag(a, "UNITY_SAVE_PASSWD");
        // strongSwan sends its pool's split_include and the unity plugin's (from the child's local_ts): once each
        case UNITY_SPLIT_INCLUDE -> networks(a).stream().filter(n -> !split.contains(n)).forEach(split::add);
        default -> {
          // attributes a server may add that the client does not use (application version, expiry …)
        }
      }
      if (split.size() > MAX_SPLIT_INCLUDES) {
        throw new IkeDecodeException(Kind.LIMIT_EXCEEDED, "more than " + MAX_SPLIT_INCLUDES + " split includes");
      }
    }
    return new ModeConfig(address, netmask, dns, nbns, banner, domain, save, split);
  }

  private static String ipv4(Attribute a, String name) throws IkeDecodeException {
    if (a.basic() || a.data().length != 4) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, name + " of " + (a.basic() ? 2 : a.data().length)
          + " bytes, must be 4");
    }
    return dotted(a.data(), 0);
  }

  private static String text(Attribute a, String name) throws IkeDecodeException {
    if (a.basic()) {
      throw new IkeDecodeException(Kind.BAD_VALUE, name + " sent as a basic attribute");
    }
    String s = new String(a.data(), 0, Math.min(a.data().length, MAX_TEXT), StandardCharsets.UTF_8);
    // no terminal control sequences into show output and logs
    return s.codePoints().map(c -> c < ' ' && c != '\n' || c == 127 ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  private static Boolean flag(Attribute a, String name) throws IkeDecodeException {
    if (a.basic()) {
      return a.value() != 0;
    }
    if (a.data().length != 2) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, name + " of " + a.data().length + " bytes, must be 2");
    }
    return a.data()[0] != 0 || a.data()[1] != 0;
  }

  /**
   * Cisco writes each entry as network, mask and six bytes of protocol/ports (14 bytes); strongSwan's vici pools
   * send network and mask only (8 bytes). A length that is a multiple of 14 is read as Cisco's, else one of 8.
   */
  private static List<Network> networks(Attribute a) throws IkeDecodeException {
    int n = a.basic() ? 2 : a.data().length;
    int entry = n % SPLIT_ENTRY == 0 ? SPLIT_ENTRY : n % SPLIT_ENTRY_SHORT == 0 ? SPLIT_ENTRY_SHORT : -1;
    if (a.basic() || entry < 0) {
      throw new IkeDecodeException(Kind.BAD_LENGTH, "UNITY_SPLIT_INCLUDE of " + n + " bytes, not a multiple of "
          + SPLIT_ENTRY + " or " + SPLIT_ENTRY_SHORT);
    }
    List<Network> out = new ArrayList<>();
    for (int off = 0; off < a.data().length; off += entry) {
      out.add(new Network(dotted(a.data(), off), dotted(a.data(), off + 4)));
    }
    return out;
  }

  private static String dotted(byte[] b, int off) {
    return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
  }
}

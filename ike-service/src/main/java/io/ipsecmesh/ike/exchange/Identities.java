package io.ipsecmesh.ike.exchange;

import io.ipsecmesh.ike.policy.PeerPolicy.Identity;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Conversion between configured identities and ID payloads (RFC 7296 §3.5). */
public final class Identities {

  private Identities() {}

  public static Payload.Identification toPayload(boolean initiator, Identity id) {
    byte[] data = switch (id.idType()) {
      case IkeConstants.ID_IPV4_ADDR, IkeConstants.ID_IPV6_ADDR -> literal(id.value());
      // §3.5: ID_DER_ASN1_DN carries the DER encoding of the Name, not its text
      case IkeConstants.ID_DER_ASN1_DN -> new javax.security.auth.x500.X500Principal(id.value()).getEncoded();
      default -> id.value().getBytes(StandardCharsets.UTF_8);
    };
    return new Payload.Identification(initiator, id.idType(), data);
  }

  /** Printable form of a received ID payload, for logs and {@code show} output. */
  public static String text(Payload.Identification id) {
    return switch (id.idType()) {
      case IkeConstants.ID_IPV4_ADDR, IkeConstants.ID_IPV6_ADDR -> {
        if (id.data().length == 16) {
          yield io.ipsecmesh.proto.config.Ipv6.text(id.data());
        }
        try {
          yield InetAddress.getByAddress(id.data()).getHostAddress();
        } catch (UnknownHostException e) {
          yield "<bad address>";
        }
      }
      case IkeConstants.ID_FQDN, IkeConstants.ID_RFC822_ADDR, IkeConstants.ID_KEY_ID ->
          printable(new String(id.data(), StandardCharsets.UTF_8));
      case IkeConstants.ID_DER_ASN1_DN -> {
        try {
          yield new javax.security.auth.x500.X500Principal(id.data()).getName();
        } catch (IllegalArgumentException e) {
          yield "<bad DN>";
        }
      }
      default -> java.util.HexFormat.of().formatHex(id.data());
    };
  }

  /** The text with control characters replaced, at most 128 characters: it goes into logs and show output. */
  static String printable(String s) {
    String clean = s.codePoints().map(c -> c < ' ' || c == 127 ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return clean.length() <= 128 ? clean : clean.substring(0, 128) + "...";
  }

  /**
   * Whether {@code address} is a wildcard ({@code 0.0.0.0}, {@code ::}): a socket bound to every address, so the
   * address a datagram came to is not known and the policy's local address stands for it.
   */
  public static boolean unspecified(String address) {
    return "0.0.0.0".equals(address) || "::".equals(address);
  }

  static byte[] literal(String address) {
    try {
      // only numeric literals reach here (validated configuration), so no name lookup happens
      return InetAddress.ofLiteral(address).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an address literal: " + address, e);
    }
  }
}

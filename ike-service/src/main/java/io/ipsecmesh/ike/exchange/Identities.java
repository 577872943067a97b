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
      default -> id.value().getBytes(StandardCharsets.UTF_8);
    };
    return new Payload.Identification(initiator, id.idType(), data);
  }

  /** Printable form of a received ID payload, for logs and {@code show} output. */
  public static String text(Payload.Identification id) {
    return switch (id.idType()) {
      case IkeConstants.ID_IPV4_ADDR, IkeConstants.ID_IPV6_ADDR -> {
        try {
          yield InetAddress.getByAddress(id.data()).getHostAddress();
        } catch (UnknownHostException e) {
          yield "<bad address>";
        }
      }
      case IkeConstants.ID_FQDN, IkeConstants.ID_RFC822_ADDR -> new String(id.data(), StandardCharsets.UTF_8);
      default -> java.util.HexFormat.of().formatHex(id.data());
    };
  }

  public static boolean matches(Identity expected, Payload.Identification received) {
    if (expected == null) {
      return true;
    }
    return expected.idType() == received.idType()
        && java.util.Arrays.equals(toPayload(true, expected).data(), received.data());
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

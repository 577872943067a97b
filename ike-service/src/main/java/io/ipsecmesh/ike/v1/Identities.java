package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import java.nio.charset.StandardCharsets;

/**
 * Phase-1 identities (RFC 2407 §4.6.2): our {@link Ikev1Policy.Identity} as an ID payload, the peer's
 * ID payload as text (which identities are accepted is the policy's {@link Ikev1Policy#remote()}). Protocol and port are 0 (RFC 2407
 * §4.6.2 allows 0/0 or UDP/500; strongSwan and IOS send 0/0 and accept either).
 */
final class Identities {

  private Identities() {}

  static Identification toPayload(Ikev1Policy.Identity id) {
    byte[] data = id.idType() == ID_IPV4_ADDR ? IsakmpCodec.uint32(Ipv4.toLong(id.value()))
        : id.idType() == ID_IPV6_ADDR ? io.ipsecmesh.proto.config.Ipv6.parse(id.value())
        : id.value().getBytes(StandardCharsets.UTF_8);
    return new Identification(id.idType(), 0, 0, data);
  }

  /** The ID as text for logs and {@code show}: control characters replaced, at most 128 characters. */
  static String text(Identification id) {
    if (id.idType() == ID_IPV4_ADDR && id.data().length == 4) {
      return Ipv4.toText(IsakmpCodec.getUint32(id.data(), 0));
    }
    if (id.idType() == ID_IPV6_ADDR && id.data().length == 16) {
      return io.ipsecmesh.proto.config.Ipv6.text(id.data());
    }
    String s = new String(id.data(), StandardCharsets.UTF_8).codePoints().map(c -> c < ' ' || c == 127 ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return s.length() <= 128 ? s : s.substring(0, 128) + "...";
  }
}

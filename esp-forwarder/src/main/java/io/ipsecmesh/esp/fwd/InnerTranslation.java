package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.spd.FlowKey;

/**
 * An address translation of inner packets around the IPsec processing (the Easy VPN remote's client mode: inside
 * addresses to the Mode Config address before the SPD, back after the inbound selector check). Called on the packet
 * threads, so an implementation allocates nothing per packet and counts its own drops. The packet is rewritten in
 * place and {@code flow} is kept equal to what {@link io.ipsecmesh.esp.spd.InnerPacketParser} would read from it.
 */
public interface InnerTranslation {

  /** Before the SPD lookup of an inner packet; false: drop it. */
  boolean outbound(byte[] packet, int off, int len, FlowKey flow);

  /** After a decrypted packet passed its SA's selectors, before the inner port; false: drop it. */
  boolean inbound(byte[] packet, int off, int len, FlowKey flow);
}

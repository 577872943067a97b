package io.ipsecmesh.esp.spd;

/**
 * The traffic an SA may carry (RFC 4301 §4.4.2.1), asked in both directions: an outbound packet
 * must be covered before it is sealed, and a decapsulated inbound packet must be covered before it
 * is forwarded (RFC 4301 §5.2 step 4), or it is dropped and counted.
 */
public interface SelectorSet {

  /** Source in the local selectors, destination in the remote ones. */
  boolean coversOutbound(FlowKey f);

  /** Source in the remote selectors, destination in the local ones. */
  boolean coversInbound(FlowKey f);
}

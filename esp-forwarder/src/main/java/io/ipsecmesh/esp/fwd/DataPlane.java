package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.tun.PacketPort;

/**
 * The packet-path objects of one forwarder, wired together: SAD/SPD, both pipelines, global
 * counters and the signal rings towards the control plane. Free of Vert.x, so tests can run two of
 * them back to back in one JVM.
 */
public final class DataPlane {

  private final SaDatabase sad;
  private final ForwarderStats stats = new ForwarderStats();
  private final SignalRing acquires = new SignalRing(256, 6);
  private final SignalRing invalidSpis = new SignalRing(256, 4);
  private final OutboundPipeline outbound;
  private final InboundPipeline inbound;

  public DataPlane(SaDatabase sad, PacketPort inner, EspSender sender, InboundPipeline.IkePunt ike) {
    this(sad, inner, sender, null, ike);
  }

  /** @param rawSender raw ESP (IP protocol 50) for SAs without UDP encapsulation, or null */
  public DataPlane(SaDatabase sad, PacketPort inner, EspSender sender, EspSender rawSender,
      InboundPipeline.IkePunt ike) {
    this(sad, inner, sender, rawSender, null, null, ike);
  }

  /**
   * @param sender6    ESP-in-UDP to IPv6 peers by an IPv6 socket beside the IPv4 one, or null (a dual-stack
   *                   {@code sender} serves them)
   * @param rawSender6 raw ESP over IPv6, or null
   */
  public DataPlane(SaDatabase sad, PacketPort inner, EspSender sender, EspSender rawSender, EspSender sender6,
      EspSender rawSender6, InboundPipeline.IkePunt ike) {
    this.sad = sad;
    this.outbound = new OutboundPipeline(sad, sender, rawSender, sender6, rawSender6, stats, acquires);
    this.inbound = new InboundPipeline(sad, inner, stats, invalidSpis, ike);
  }

  public SaDatabase sad() {
    return sad;
  }

  public ForwarderStats stats() {
    return stats;
  }

  public SignalRing acquires() {
    return acquires;
  }

  public SignalRing invalidSpis() {
    return invalidSpis;
  }

  public OutboundPipeline outbound() {
    return outbound;
  }

  public InboundPipeline inbound() {
    return inbound;
  }
}

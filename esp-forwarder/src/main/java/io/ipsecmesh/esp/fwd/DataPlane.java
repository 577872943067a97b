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
    this.sad = sad;
    this.outbound = new OutboundPipeline(sad, sender, rawSender, stats, acquires);
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

package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.sa.ChildSa;

/** {@code crypto ipsec transform-set NAME …} sub-mode: {@code mode tunnel|transport}. */
final class TransformSetBlock implements Block {

  /** The warning on {@code mode transport}: the line is kept, the SAs are tunnel-mode. */
  static final String TRANSPORT_WARNING = "mode transport: SAs are negotiated in tunnel mode (this gateway's"
      + " forwarder runs tunnel mode only; IOS also uses tunnel mode when the protected traffic is not between"
      + " the peers' own addresses)";

  private final ConfigDraft.TransformSetDraft set;
  private final Diagnostics diagnostics;

  TransformSetBlock(ConfigDraft.TransformSetDraft set, Diagnostics diagnostics) {
    this.set = set;
    this.diagnostics = diagnostics;
  }

  @Override
  public String title() {
    return "crypto ipsec transform-set " + set.name;
  }

  @Override
  public boolean owns(Args a) {
    return a.is(0, "mode");
  }

  @Override
  public Block apply(Args a) {
    String mode = a.skip(1).command("mode").oneOf("mode", "tunnel", "transport");
    a.end();
    if (mode.equals("transport")) {
      // kept in the model (show running-config shows it), but SAs are negotiated in tunnel mode
      diagnostics.warn(a.lineNumber, TRANSPORT_WARNING);
    }
    set.mode = mode.equals("tunnel") ? ChildSa.Mode.TUNNEL : ChildSa.Mode.TRANSPORT;
    return null;
  }
}

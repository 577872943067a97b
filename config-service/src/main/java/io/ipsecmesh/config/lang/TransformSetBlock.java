package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.sa.ChildSa;

/** {@code crypto ipsec transform-set NAME …} sub-mode: {@code mode tunnel|transport}. */
final class TransformSetBlock implements Block {

  private final ConfigDraft.TransformSetDraft set;

  TransformSetBlock(ConfigDraft.TransformSetDraft set) {
    this.set = set;
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
    set.mode = mode.equals("tunnel") ? ChildSa.Mode.TUNNEL : ChildSa.Mode.TRANSPORT;
    return null;
  }
}

package io.ipsecmesh.natk;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/** nat-keepalive as its own process (container): clustered Vert.x, metrics, one {@link NatKeepaliveVerticle}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, NatKeepaliveVerticle::new);
  }
}

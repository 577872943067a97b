package io.ipsecmesh.ike;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/** ike-service as its own process (container): clustered Vert.x, metrics, one {@link IkeVerticle}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, IkeVerticle::new);
  }
}

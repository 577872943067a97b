package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/** dpd-service as its own process (container): clustered Vert.x, metrics, one {@link DpdVerticle}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, DpdVerticle::new);
  }
}

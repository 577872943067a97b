package io.ipsecmesh.config;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/** config-service as its own process, joining the cluster (flags: {@link io.ipsecmesh.proto.runtime.LaunchOptions}). */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, ConfigVerticle::new);
  }
}

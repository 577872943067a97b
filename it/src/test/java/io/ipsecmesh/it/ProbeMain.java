package io.ipsecmesh.it;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/** The probe as its own process, launched the way every service's Main is. */
public final class ProbeMain {

  private ProbeMain() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, ConfigProbeVerticle::new);
  }
}

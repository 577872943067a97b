package io.ipsecmesh.esp;

import io.ipsecmesh.proto.runtime.ServiceLauncher;

/**
 * esp-forwarder as its own process (container): clustered Vert.x, metrics, one
 * {@link EspForwarderVerticle}. Needs {@code CAP_NET_ADMIN} for the TUN interface and
 * {@code --enable-native-access=ALL-UNNAMED} for FFM.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    ServiceLauncher.run(args, EspForwarderVerticle::new);
  }
}

package io.ipsecmesh.esp.netns;

import io.ipsecmesh.proto.config.GatewayConfig;

/** Gateway A of {@link TwoInterfaceNetnsTest}, for unit tests of the same configuration. */
public final class TwoInterfaceConfigs {

  private TwoInterfaceConfigs() {}

  public static GatewayConfig gatewayA() {
    return TwoInterfaceForwarderMain.config(true, "172.31.252.1", "172.31.252.5", "172.31.252.2", "172.31.252.6",
        "10.94.1.0", "10.94.2.0", "10.94.1.0", "10.94.3.0", "172.31.251.1");
  }
}

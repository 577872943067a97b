package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ipsec client ezvpn NAME}: an Easy VPN remote.
 *
 * @param peers {@code peer} lines in order; DPD fails over to the next one
 */
public record EzvpnClient(
    String name, Connect connect, String group, @Sealed String groupKey, Mode mode, List<String> peers) {

  public enum Connect {
    /** The default. */
    AUTO,
    MANUAL;

    public String keyword() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Mode {
    CLIENT, NETWORK_EXTENSION, NETWORK_PLUS;

    public String keyword() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public EzvpnClient {
    peers = List.copyOf(peers);
  }

  /** Never the group key: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "EzvpnClient[name=" + name + ", connect=" + connect + ", group=" + group + ", groupKey=<redacted>, mode="
        + mode + ", peers=" + peers + "]";
  }
}

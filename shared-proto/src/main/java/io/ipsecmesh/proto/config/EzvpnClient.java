package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ipsec client ezvpn NAME}: an Easy VPN remote.
 *
 * @param peers          {@code peer} lines in order; DPD fails over to the next one
 * @param username       {@code username NAME password …}: the XAUTH user name, null when unset
 * @param password       its password (type 6 in {@code show running-config}), null when unset
 * @param xauthUseridMode {@code xauth userid mode local|interactive|http-intercept}, null for IOS's default
 */
public record EzvpnClient(
    String name, Connect connect, String group, @Sealed String groupKey, Mode mode, List<String> peers,
    String username, @Sealed String password, String xauthUseridMode) {

  /** A remote without stored XAUTH credentials. */
  public EzvpnClient(String name, Connect connect, String group, String groupKey, Mode mode, List<String> peers) {
    this(name, connect, group, groupKey, mode, peers, null, null, null);
  }

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
        + mode + ", peers=" + peers + ", username=" + username + ", password=" + (password == null ? null
        : "<redacted>") + ", xauthUseridMode=" + xauthUseridMode + "]";
  }
}

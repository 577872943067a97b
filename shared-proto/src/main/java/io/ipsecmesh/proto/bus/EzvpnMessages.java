package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.sa.EzvpnStatus;
import java.util.List;

/** The Easy VPN remote: its state for the forwarder and {@code show}, and the exec commands that drive it. */
public final class EzvpnMessages {

  /**
   * publish: {@link EzvpnStatus} — ike-service, whenever a remote's state changes (also in the map {@code
   * ipsec.ezvpn}); the forwarder installs the split-include routes and the client-mode translation from it.
   */
  public static final String STATUS = "sa.ezvpn.status";
  /**
   * request–reply: {@link Connect} → {@link ConnectResult} — {@code crypto ipsec client ezvpn connect [NAME]} and
   * {@code clear crypto ipsec client ezvpn [NAME]} (config-service to ike-service).
   */
  public static final String CONNECT = "mgmt.ezvpn.connect";

  /**
   * @param name    the remote, or null for every one
   * @param connect true: connect (IOS's exec command for {@code connect manual}); false: clear (tear the tunnel
   *                down; a {@code connect auto} remote then comes up again by itself)
   */
  public record Connect(String name, boolean connect) {}

  /** @param message what the exec command prints (empty when IOS prints nothing), {@code %…} for an error */
  public record ConnectResult(boolean ok, String message) {}

  static final List<Class<? extends Record>> RECORDS = List.of(EzvpnStatus.class, Connect.class,
      ConnectResult.class);

  private EzvpnMessages() {}
}

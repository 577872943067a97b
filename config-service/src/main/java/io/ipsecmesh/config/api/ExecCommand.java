package io.ipsecmesh.config.api;

import io.ipsecmesh.config.show.IpsecSaQuery;
import io.ipsecmesh.proto.bus.MgmtMessages.Facility;

/** An IOS exec command the management API understands, parsed by {@link ExecParser}. */
public sealed interface ExecCommand {

  record ShowRunningConfig() implements ExecCommand {}

  /** {@code show crypto isakmp sa [detail]}. */
  record ShowIsakmpSa(boolean detail) implements ExecCommand {
    public ShowIsakmpSa() {
      this(false);
    }
  }

  record ShowIpsecSa(IpsecSaQuery query) implements ExecCommand {

    /** @param peer only this peer's SAs, or null */
    public ShowIpsecSa(String peer, boolean detail) {
      this(peer == null ? IpsecSaQuery.all(detail) : new IpsecSaQuery(IpsecSaQuery.Kind.PEER, peer, detail));
    }
  }

  record ShowIkev2Sa(boolean detailed) implements ExecCommand {}

  record ShowSession() implements ExecCommand {}

  /** {@code show crypto map [tag NAME]}, {@code show crypto dynamic-map [tag NAME]}; {@code tag} null for all. */
  record ShowCryptoMap(String tag, boolean dynamic) implements ExecCommand {}

  record ShowLogging() implements ExecCommand {}

  /**
   * {@code clear crypto session [local A [port N]] [remote A [port N]] [fvrf X] [ivrf Y]}: null / 0 match
   * any; the VRF names are checked by the parser (only the global VRF exists).
   */
  record ClearSession(String localAddress, int localPort, String remoteAddress, int remotePort)
      implements ExecCommand {

    /** @param remote only sessions with this peer, or null for every session */
    public ClearSession(String remote) {
      this(null, 0, remote, 0);
    }
  }

  record Debug(Facility facility, boolean enabled) implements ExecCommand {}

  /** {@code undebug all} / {@code no debug all} */
  record UndebugAll() implements ExecCommand {}

  /** {@code show interfaces [IF]}; {@code name} null for every tunnel interface. */
  record ShowInterfaces(String name) implements ExecCommand {}

  /** {@code show ip interface brief} ({@code brief}) and {@code show ip interface [IF]} ({@code name} null: all). */
  record ShowIpInterface(boolean brief, String name) implements ExecCommand {}

  /** {@code show crypto ipsec client ezvpn} */
  record ShowEzvpn() implements ExecCommand {}

  /**
   * {@code crypto ipsec client ezvpn connect [NAME]} ({@code connect} true) and {@code clear crypto ipsec client
   * ezvpn [NAME]}; {@code name} null: every remote.
   */
  record Ezvpn(String name, boolean connect) implements ExecCommand {}
}

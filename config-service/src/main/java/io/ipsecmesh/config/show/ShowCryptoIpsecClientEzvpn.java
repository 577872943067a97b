package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code show crypto ipsec client ezvpn}: one block per Easy VPN remote of the active configuration, in the layout
 * of the Cisco Easy VPN Remote guide's sample (the seeds configure the remote but print no sample of this command):
 *
 * <pre>
 * Easy VPN Remote Phase: 8
 *
 * Tunnel name : ezvpn-config
 * Inside interface list: FastEthernet1
 * Outside interface: FastEthernet0
 * Current State: IPSEC_ACTIVE
 * Last Event: SOCKET_UP
 * Address: 10.99.0.1
 * Mask: 255.255.255.255
 * DNS Primary: 10.91.2.53
 * Default Domain: corp.interop.test
 * Save Password: Disallowed
 * Split Tunnel List: 1
 *        Address    : 10.91.2.0
 *        Mask       : 255.255.255.0
 *        Protocol   : 0x0
 *        Source Port: 0
 *        Dest Port  : 0
 * Current EzVPN Peer: 172.31.255.2
 * </pre>
 *
 * The state is what ike-service wrote to {@code ipsec.ezvpn}; a remote it has not written yet (ike-service not
 * running) is {@code IDLE}, or {@code CONNECT_REQUIRED} with {@code connect manual}. Address and mask are the Mode Config's; in network-extension mode IOS uses no
 * address, so none is shown. The split list has no protocol or ports (strongSwan and IOS servers send 0).
 */
public final class ShowCryptoIpsecClientEzvpn {

  /** The Easy VPN Remote feature phase IOS XE prints (Phase 8: the last one, IOS 12.4(4)T on). */
  static final String PHASE = "Easy VPN Remote Phase: 8\n";

  private ShowCryptoIpsecClientEzvpn() {}

  public static String render(GatewayConfig config, List<EzvpnStatus> states) {
    StringBuilder out = new StringBuilder(PHASE);
    for (EzvpnClient c : config.ezvpnClients()) {
      EzvpnStatus s = states.stream().filter(x -> x.name().equals(c.name())).findFirst()
          .orElse(EzvpnStatus.idle(c.name(), c.connect() == EzvpnClient.Connect.MANUAL
              ? EzvpnStatus.CONNECT_REQUIRED : "IDLE", "", null, c.mode().keyword(), 0));
      out.append('\n').append("Tunnel name : ").append(c.name()).append('\n');
      out.append("Inside interface list: ").append(interfaces(config, c.name(), false)).append('\n');
      out.append("Outside interface: ").append(interfaces(config, c.name(), true)).append('\n');
      out.append("Current State: ").append(s.state()).append('\n');
      if (s.lastEvent() != null && !s.lastEvent().isEmpty()) {
        out.append("Last Event: ").append(s.lastEvent()).append('\n');
      }
      if (s.address() != null && c.mode() != EzvpnClient.Mode.NETWORK_EXTENSION) {
        out.append("Address: ").append(s.address()).append('\n');
        out.append("Mask: ").append(s.netmask() == null ? "255.255.255.255" : s.netmask()).append('\n');
      }
      if (!s.dns().isEmpty()) {
        out.append("DNS Primary: ").append(s.dns().getFirst()).append('\n');
        if (s.dns().size() > 1) {
          out.append("DNS Secondary: ").append(s.dns().get(1)).append('\n');
        }
      }
      if (s.defaultDomain() != null) {
        out.append("Default Domain: ").append(s.defaultDomain()).append('\n');
      }
      if (s.savePassword() != null) {
        out.append("Save Password: ").append(s.savePassword() ? "Allowed" : "Disallowed").append('\n');
      }
      if (!s.splitIncludes().isEmpty()) {
        out.append("Split Tunnel List: ").append(s.splitIncludes().size()).append('\n');
        for (String n : s.splitIncludes()) {
          int slash = n.indexOf('/');
          out.append("       Address    : ").append(slash < 0 ? n : n.substring(0, slash)).append('\n');
          out.append("       Mask       : ").append(slash < 0 ? "255.255.255.255" : n.substring(slash + 1))
              .append('\n');
          out.append("       Protocol   : 0x0\n       Source Port: 0\n       Dest Port  : 0\n");
        }
      }
      if (s.peer() != null) {
        out.append("Current EzVPN Peer: ").append(s.peer()).append('\n');
      }
    }
    return out.toString();
  }

  private static String interfaces(GatewayConfig config, String name, boolean outside) {
    return config.interfaces().stream().filter(i -> i.ezvpn() != null && i.ezvpn().name().equals(name)
        && i.ezvpn().outside() == outside).map(InterfaceConfig::name).collect(Collectors.joining(", "));
  }
}

package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.ConfigAttributes;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.config.Ipv4;
import java.util.logging.Logger;

/**
 * The Mode Config client of an Easy VPN remote (draft-dukes-ike-mode-cfg §3, "pull": after XAUTH we send a
 * REQUEST for the address, netmask, DNS servers and the Cisco Unity banner, default domain, save-password flag
 * and split includes, and the server REPLYs; a server that pushes with SET gets an ACK instead). The values go
 * to the listener ({@code show crypto ipsec client ezvpn}) and shape the Quick Mode that follows: our side is the
 * assigned address, the other the split-include networks, else everything (IOS client mode).
 */
final class ModeConfigClient {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());
  /** What an Easy VPN remote asks for. */
  static final int[] REQUESTED = {INTERNAL_IP4_ADDRESS, INTERNAL_IP4_NETMASK, INTERNAL_IP4_DNS, UNITY_BANNER,
      UNITY_DEF_DOMAIN, UNITY_SAVE_PASSWD, UNITY_SPLIT_INCLUDE};

  private ModeConfigClient() {}

  static void start(Ikev1Engine e, IsakmpSa sa) {
    sa.clientState = IsakmpSa.ClientState.MODE_CONFIG_SENT;
    e.life.summaryChanged(sa);
    int identifier = 1 + e.random.nextInt(0xfffe);
    TransactionExchange.request(e, sa, new ConfigAttributes(CFG_REQUEST, identifier,
        ModeConfigAttributes.request(REQUESTED)));
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, ConfigAttributes attrs, TransactionExchange.Reply reply) {
    if (attrs.cfgType() == CFG_SET) {
      reply.send(new ConfigAttributes(CFG_ACK, attrs.identifier(), attrs.attributes().stream()
          .map(a -> a.basic() ? a : new Attribute(a.attributeType(), false, 0, new byte[0])).toList()));
    } else if (attrs.cfgType() == CFG_REPLY) {
      e.wire.answered(sa);
    } else {
      return;
    }
    ModeConfig mc;
    try {
      mc = ModeConfigAttributes.decode(attrs.attributes());
    } catch (IkeDecodeException ex) {
      LOG.warning(() -> "ISAKMP: Mode Config from " + sa.peerAddress + " is malformed: " + ex.getMessage());
      e.life.fail(sa, "mode-config-malformed");
      return;
    }
    // client mode translates to the assigned address and cannot run without one, nor can network-plus, which
    // protects it besides the inside network; network-extension mode uses the inside network's own addresses and
    // only shows an address it was given
    if ((!sa.policy.xauth().networkExtension() || sa.policy.xauth().networkPlus())
        && (mc.address() == null || Ipv4.toLong(mc.address()) <= 0)) {
      LOG.warning(() -> "ISAKMP: Mode Config from " + sa.peerAddress + " assigned no address");
      e.life.fail(sa, "mode-config-no-address");
      return;
    }
    sa.modeConfig = mc;
    sa.clientState = IsakmpSa.ClientState.CONFIGURED;
    LOG.info(() -> "ISAKMP: Easy VPN " + sa.policy.xauth().name() + ": " + sa.peerAddress + " assigned "
        + (mc.address() == null ? "no address" : mc.address()) + (mc.splitIncludes().isEmpty() ? "" : ", split include " + mc.splitIncludes()));
    e.life.summaryChanged(sa);
    e.listener.modeConfigReceived(sa.id(), sa.peerAddress, sa.policy.xauth().name(), mc);
    if (sa.quickModeWanted) {
      sa.quickModeWanted = false;
      QuickModeExchange.start(e, sa, 0);
    }
  }

  /** Our Quick Mode side: the assigned address (IOS client mode). */
  static TrafficSelector localSelector(ModeConfig mc) {
    return TrafficSelector.anyPorts(mc.address(), mc.address());
  }

  /** The other side: the first split-include network, else everything. */
  static TrafficSelector remoteSelector(ModeConfig mc) {
    if (mc.splitIncludes().isEmpty()) {
      return TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255");
    }
    ModeConfigAttributes.Network n = mc.splitIncludes().getFirst();
    long base = Ipv4.toLong(n.address());
    long mask = Ipv4.toLong(n.mask());
    return TrafficSelector.anyPorts(Ipv4.toText(base & mask), Ipv4.toText((base & mask) | (~mask & 0xffffffffL)));
  }
}

package io.ipsecmesh.esp.ezvpn;

import io.ipsecmesh.esp.fwd.InboundPipeline;
import io.ipsecmesh.esp.fwd.OutboundPipeline;
import io.ipsecmesh.esp.spd.AclRule;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The forwarder's side of the Easy VPN remote (Cisco Easy VPN Remote, "Modes of Operation"), driven by the state
 * ike-service publishes ({@link EzvpnStatus}) and the configuration; runs on the forwarder's control context.
 *
 * <ul>
 *   <li>An SPD entry per remote, after the crypto maps' ({@link #spd}): its Child SAs carry the remote's name as
 *       crypto map, and their selectors (assigned address or inside network ↔ split include) choose the SA.</li>
 *   <li>Client mode: once the remote is {@code IPSEC_ACTIVE} with an assigned address, the pipelines translate the
 *       inside network to it ({@link ClientModePat}); network-extension mode translates nothing, the inside network
 *       being the Child SA's local selector.</li>
 *   <li>Network-plus mode (Cisco Easy VPN Remote, "Network Extension Plus Mode") translates nothing either; the
 *       address Mode Config assigned, which IOS puts on a loopback and protects with an IPsec SA of its own, is
 *       added to the TUN device while the remote is active ({@link Routes#addAddresses}), so the gateway answers
 *       and originates from it through the tunnel (the kernel takes it as the source towards the split include).</li>
 *   <li>The split-include networks become routes into the tunnel ({@link Routes}), taken away when the tunnel goes.
 *       Without a split include IOS sends everything through the tunnel; no default route is installed here (it
 *       would capture the IKE and ESP packets to the server): the operator routes what the tunnel should carry.</li>
 * </ul>
 */
public final class EasyVpnDataPath {

  /** Kernel routes into the tunnel; blocking, so the caller runs them off its event loop. */
  public interface Routes {
    void add(List<String> prefixes);

    void remove(List<String> prefixes);

    /** {@code ADDRESS/32} on the TUN device (network-plus's assigned address). */
    void addAddresses(List<String> addresses);

    void removeAddresses(List<String> addresses);
  }

  /**
   * What a change asks of the routes, in order: remove, then add; and of the TUN device's addresses (network-plus's
   * assigned address, {@code A/32}).
   */
  public record RouteChange(List<String> remove, List<String> add, List<String> removeAddresses,
      List<String> addAddresses) {

    /** Routes only. */
    public RouteChange(List<String> remove, List<String> add) {
      this(remove, add, List.of(), List.of());
    }

    public boolean empty() {
      return remove.isEmpty() && add.isEmpty() && removeAddresses.isEmpty() && addAddresses.isEmpty();
    }
  }

  private final OutboundPipeline outbound;
  private final InboundPipeline inbound;
  private final Consumer<String> log;
  private final Map<String, EzvpnClient.Mode> modes = new HashMap<>();
  private final Map<String, EzvpnStatus> states = new HashMap<>();
  private final Map<String, List<String>> routed = new HashMap<>();
  /** Network-plus remotes' assigned addresses on the TUN device ({@code A/32}), by remote. */
  private final Map<String, List<String>> addressed = new HashMap<>();
  private ClientModePat pat;
  /**
   * Whether this forwarder is one of several for the gateway ({@code --esp-scale-out true}). Client mode is then
   * refused: its port translations live in one process, while the instance that translates a packet going out need
   * not be the one that opens the answer (the SA's owner), which would find no translation for it.
   */
  private final boolean scaledOut;

  public EasyVpnDataPath(OutboundPipeline outbound, InboundPipeline inbound, Consumer<String> log) {
    this(outbound, inbound, log, false);
  }

  public EasyVpnDataPath(OutboundPipeline outbound, InboundPipeline inbound, Consumer<String> log,
      boolean scaledOut) {
    this.outbound = outbound;
    this.inbound = inbound;
    this.log = log;
    this.scaledOut = scaledOut;
  }

  /**
   * {@code base} with one entry per Easy VPN remote (crypto map = its name, sequence 0), matching every packet the
   * routes steer into the tunnel: which SA carries it is decided by the SA's negotiated selectors.
   */
  public static SecurityPolicyDatabase spd(SecurityPolicyDatabase base, GatewayConfig config) {
    SecurityPolicyDatabase spd = base;
    AclRule any = AclRule.compile(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", AddressMatch.ANY, null,
        AddressMatch.ANY, null, null));
    for (EzvpnClient c : config.ezvpnClients()) {
      if (spd.entry(c.name(), 0) == null) {
        spd = spd.withEntry(c.name(), 0, new AclRule[] {any});
      }
    }
    return spd;
  }

  /** A new configuration: remotes and their modes; a removed remote's routes and translation go. */
  public RouteChange configure(GatewayConfig config) {
    modes.clear();
    config.ezvpnClients().forEach(c -> modes.put(c.name(), c.mode()));
    if (scaledOut) {
      modes.forEach((name, mode) -> {
        if (mode == EzvpnClient.Mode.CLIENT) {
          log.accept("esp-forwarder: Easy VPN " + name + ": mode client is refused with --esp-scale-out true (the"
              + " port translation of the inside network lives in one forwarder instance, the answers reach the"
              + " SA's owner): its inside network is not translated; use mode network-extension or network-plus,"
              + " or run one esp-forwarder for this gateway");
        }
      });
    }
    List<String> remove = new ArrayList<>();
    List<String> removeAddresses = new ArrayList<>();
    for (String name : List.copyOf(routed.keySet())) {
      if (!modes.containsKey(name)) {
        remove.addAll(routed.remove(name));
        states.remove(name);
      }
    }
    for (String name : List.copyOf(addressed.keySet())) {
      if (!modes.containsKey(name)) {
        removeAddresses.addAll(addressed.remove(name));
      }
    }
    states.keySet().retainAll(modes.keySet());
    List<String> add = new ArrayList<>();
    List<String> addAddresses = new ArrayList<>();
    for (EzvpnStatus s : List.copyOf(states.values())) {
      RouteChange c = status(s);
      remove.addAll(c.remove());
      add.addAll(c.add());
      removeAddresses.addAll(c.removeAddresses());
      addAddresses.addAll(c.addAddresses());
    }
    applyTranslation();
    return new RouteChange(remove, add, removeAddresses, addAddresses);
  }

  /** ike-service's state of a remote: the routes to change; the translation is switched here. */
  public RouteChange status(EzvpnStatus s) {
    EzvpnClient.Mode mode = modes.get(s.name());
    if (mode == null) {
      return new RouteChange(List.of(), List.of()); // not (or no longer) configured here
    }
    states.put(s.name(), s);
    List<String> want = s.active() ? prefixes(s) : List.of();
    if (s.active() && s.splitIncludes().isEmpty()) {
      log.accept("esp-forwarder: Easy VPN " + s.name() + ": no split include was pushed, so every destination"
          + " belongs to the tunnel; no default route is installed (it would carry the IKE and ESP to "
          + s.peer() + " as well): route the networks the tunnel should carry into the TUN device");
    }
    List<String> had = routed.getOrDefault(s.name(), List.of());
    List<String> remove = had.stream().filter(p -> !want.contains(p)).toList();
    List<String> add = want.stream().filter(p -> !had.contains(p)).toList();
    if (want.isEmpty()) {
      routed.remove(s.name());
    } else {
      routed.put(s.name(), want);
    }
    List<String> wantAddress = mode == EzvpnClient.Mode.NETWORK_PLUS && s.active() && s.address() != null
        && Ipv4.isAddress(s.address()) ? List.of(s.address() + "/32") : List.of();
    List<String> hadAddress = addressed.getOrDefault(s.name(), List.of());
    if (wantAddress.isEmpty()) {
      addressed.remove(s.name());
    } else {
      addressed.put(s.name(), wantAddress);
    }
    applyTranslation();
    return new RouteChange(remove, add, hadAddress.stream().filter(a -> !wantAddress.contains(a)).toList(),
        wantAddress.stream().filter(a -> !hadAddress.contains(a)).toList());
  }

  /** The translation of the first active client-mode remote with an address, or none. */
  private void applyTranslation() {
    String address = null;
    for (Map.Entry<String, EzvpnClient.Mode> m : modes.entrySet()) {
      EzvpnStatus s = states.get(m.getKey());
      if (!scaledOut && m.getValue() == EzvpnClient.Mode.CLIENT && s != null && s.active()
          && s.address() != null) {
        address = s.address();
        break;
      }
    }
    if (address == null ? pat == null : pat != null && pat.address().equals(address)) {
      return;
    }
    pat = address == null ? null : new ClientModePat(address);
    outbound.translation(pat);
    inbound.translation(pat);
    String a = address;
    log.accept(a == null ? "esp-forwarder: Easy VPN client mode translation off"
        : "esp-forwarder: Easy VPN client mode: the inside network is translated to " + a);
  }

  /** The current client-mode translation (its counters), or null. */
  public ClientModePat translation() {
    return pat;
  }

  /** {@code 10.91.2.0/255.255.255.0} → {@code 10.91.2.0/24}; a non-contiguous mask is left out. */
  static List<String> prefixes(EzvpnStatus s) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : s.splitIncludes()) {
      int slash = n.indexOf('/');
      long addr = Ipv4.toLong(slash < 0 ? n : n.substring(0, slash));
      long mask = slash < 0 ? 0xFFFF_FFFFL : Ipv4.toLong(n.substring(slash + 1));
      long inverse = (~mask & 0xFFFF_FFFFL) + 1;
      if (addr < 0 || mask < 0 || (inverse & (inverse - 1)) != 0) {
        continue;
      }
      int len = 32 - Long.numberOfTrailingZeros(inverse);
      if (len == 0) {
        continue; // 0.0.0.0/0 is "everything", which the tunnel cannot route (see the class comment)
      }
      out.add(Ipv4.toText(addr & mask) + "/" + len);
    }
    return new ArrayList<>(out);
  }
}

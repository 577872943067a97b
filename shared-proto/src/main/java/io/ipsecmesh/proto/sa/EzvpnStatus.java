package io.ipsecmesh.proto.sa;

import java.util.List;

/**
 * The state of one Easy VPN remote ({@code crypto ipsec client ezvpn NAME}) as {@code show crypto ipsec client
 * ezvpn} prints it, written by ike-service to the Hazelcast map {@link SharedMaps#EZVPN} (key {@code name}) and
 * published on {@link io.ipsecmesh.proto.bus.EzvpnMessages#STATUS}: the forwarder routes the split include into
 * the tunnel and, in client mode, translates the inside network to {@code address} (Cisco Easy VPN Remote, "Modes
 * of Operation"); config-service renders it.
 *
 * @param state          IOS's state name: {@code CONNECT_REQUIRED} ({@code connect manual}, not connected),
 *                       {@code READY} (negotiating), {@code XAUTH_REQ}, {@code IPSEC_ACTIVE}
 * @param lastEvent      IOS's last event, e.g. {@code CONNECT}, {@code MODE_CONFIG_REPLY}, {@code SOCKET_UP},
 *                       {@code DISCONNECT}, {@code PEER_DEAD}
 * @param peer           the current {@code peer} (after a DPD failover, the next one), null before the first try
 * @param ikeSaId        the ISAKMP SA, null when none
 * @param mode           {@code client} or {@code network-extension}
 * @param address        the Mode Config INTERNAL_IP4_ADDRESS, null when none was pushed
 * @param netmask        INTERNAL_IP4_NETMASK, null when none
 * @param splitIncludes  UNITY_SPLIT_INCLUDE networks as {@code address/mask} (dotted masks)
 * @param updatedEpochMillis when ike-service wrote it
 */
@io.ipsecmesh.proto.config.Authenticated
public record EzvpnStatus(String name, String state, String lastEvent, String peer, String ikeSaId, String mode,
    String address, String netmask, List<String> dns, String defaultDomain, Boolean savePassword, String banner,
    List<String> splitIncludes, long updatedEpochMillis) {

  public static final String CONNECT_REQUIRED = "CONNECT_REQUIRED";
  public static final String READY = "READY";
  public static final String XAUTH_REQ = "XAUTH_REQ";
  public static final String IPSEC_ACTIVE = "IPSEC_ACTIVE";

  public EzvpnStatus {
    dns = dns == null ? List.of() : List.copyOf(dns);
    splitIncludes = splitIncludes == null ? List.of() : List.copyOf(splitIncludes);
  }

  /** A remote without an SA: nothing pushed. */
  public static EzvpnStatus idle(String name, String state, String lastEvent, String peer, String mode,
      long now) {
    return new EzvpnStatus(name, state, lastEvent, peer, null, mode, null, null, List.of(), null, null, null,
        List.of(), now);
  }

  /** Whether the tunnel is up with a Mode Config: the forwarder routes and translates only then. */
  public boolean active() {
    return IPSEC_ACTIVE.equals(state);
  }

  public EzvpnStatus withState(String newState, String event, long now) {
    return new EzvpnStatus(name, newState, event, peer, ikeSaId, mode, address, netmask, dns, defaultDomain,
        savePassword, banner, splitIncludes, now);
  }
}

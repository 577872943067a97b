package io.ipsecmesh.esp.netns;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A gateway of {@link TwoInterfaceNetnsTest} in a child JVM under {@code ip netns exec}: the seed's DF Bit
 * Override example with two crypto maps on two interfaces (IPsec Data Plane guide, DF Bit Override
 * Functionality with IPsec Tunnels, configuration example), manual keys (esp-aes 128 esp-sha256-hmac), on
 * TUN {@code ipsec0}:
 *
 * <pre>
 * crypto ipsec df-bit clear
 * crypto map armadillo 1 ipsec-manual   (peer PEER1, LOCALNET -> NET1)
 * crypto map basilisk 1 ipsec-manual    (peer PEER2, LOCALNET -> NET2)
 * crypto map basilisk local-address Loopback1 (gateway a only)
 * interface wan0 / ip address WAN0 / crypto map armadillo / crypto ipsec df-bit copy
 * interface wan1 / ip address WAN1 / crypto map basilisk
 * interface Loopback1 / ip address LO1 (gateway a only; on the namespace's lo)
 * </pre>
 *
 * Arguments: {@code a|b WAN0 WAN1 PEER1 PEER2 LOCAL1 REMOTE1 LOCAL2 REMOTE2 [LO1]} (armadillo protects
 * LOCAL1/24 to REMOTE1/24, basilisk LOCAL2/24 to REMOTE2/24). Prints {@code READY} once both SAs are
 * installed and routed.
 */
public final class TwoInterfaceForwarderMain {

  private static final String K1 = "101112131415161718191a1b1c1d1e1f";
  private static final String K2 = "202122232425262728292a2b2c2d2e2f";
  private static final String K3 = "303132333435363738393a3b3c3d3e3f";
  private static final String K4 = "404142434445464748494a4b4c4d4e4f";

  private TwoInterfaceForwarderMain() {}

  private static AccessList acl(String name, String local, String remote) {
    return new AccessList(name, true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch(local, "0.0.0.255"), null, new AddressMatch(remote, "0.0.0.255"), null, null)));
  }

  private static CryptoMapEntry map(String name, String peer, String acl, boolean a, long spiAtoB, String kAtoB,
      long spiBtoA, String kBtoA) {
    SessionKey atob = new SessionKey(spiAtoB, kAtoB, kAtoB + kAtoB);
    SessionKey btoa = new SessionKey(spiBtoA, kBtoA, kBtoA + kBtoA);
    return new CryptoMapEntry(name, 1, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of(peer), List.of("CBC"),
        SaSettings.INHERIT, null, acl, null, a ? btoa : atob, a ? atob : btoa);
  }

  static GatewayConfig config(boolean a, String wan0, String wan1, String peer1, String peer2, String local1,
      String remote1, String local2, String remote2, String lo1) {
    List<InterfaceConfig> itfs = new java.util.ArrayList<>(List.of(
        new InterfaceConfig("wan0", wan0, "255.255.255.252", null, "armadillo", DfBit.COPY, null, null),
        new InterfaceConfig("wan1", wan1, "255.255.255.252", null, "basilisk", null, null, null)));
    if (lo1 != null) {
      itfs.add(new InterfaceConfig("Loopback1", lo1, "255.255.255.255", null, null, null, null, null));
    }
    return GatewayConfig.builder()
        .dfBit(DfBit.CLEAR)
        .transformSets(List.of(new TransformSet("CBC", EspTransform.AES_CBC_128_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map("armadillo", peer1, "101", a, 0x3001, K1, 0x3002, K2),
            map("basilisk", peer2, "102", a, 0x4001, K3, 0x4002, K4)))
        .accessLists(List.of(acl("101", local1, remote1), acl("102", local2, remote2)))
        .interfaces(itfs)
        .cryptoMapLocalAddress(lo1 == null ? Map.of() : Map.of("basilisk", "Loopback1"))
        .build();
  }

  public static void main(String[] args) throws Exception {
    boolean a = args[0].equals("a");
    GatewayConfig config = config(a, args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
        args.length > 9 ? args[9] : null);
    ForwarderChild.start(args[0], new JsonObject(), config, 2, List.of(args[6], args[8]), (vertx, forwarder) -> { });
  }
}

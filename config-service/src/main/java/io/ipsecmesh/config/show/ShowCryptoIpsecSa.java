package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code show crypto ipsec sa [peer X] [detail]} in the layout of the IOS XE IPsec Data Plane guide
 * (seeds/003, "Invalid Security Parameter Index Recovery" example): per interface and crypto map, one
 * block per protected flow with its counters, then the inbound and outbound ESP SAs of that flow
 * (several while a rekey overlaps). {@code detail} adds the IOS error-counter lines (replay, invalid
 * SA, verify failures). AH and PCP (compression) are not implemented, so those lists stay empty and
 * their counters 0, as on a router that does not use them.
 */
public final class ShowCryptoIpsecSa {

  private static final int DEFAULT_MTU = 1500;

  private ShowCryptoIpsecSa() {}

  /**
   * @param peer        only SAs with this peer address, or null for all
   * @param nowMillis   wall clock (epoch ms), for the remaining lifetime
   */
  public static String render(GatewayConfig config, List<ChildSa> sas, Map<String, SaCounters> counters,
      String peer, boolean detail, long nowMillis) {
    IpsecSaQuery q = peer == null ? IpsecSaQuery.all(detail) : new IpsecSaQuery(IpsecSaQuery.Kind.PEER, peer, detail);
    return render(config, sas, counters, q, nowMillis);
  }

  /** @param nowMillis wall clock (epoch ms), for the remaining lifetime */
  public static String render(GatewayConfig config, List<ChildSa> sas, Map<String, SaCounters> counters,
      IpsecSaQuery query, long nowMillis) {
    Map<FlowKey, List<ChildSa>> flows = new LinkedHashMap<>();
    sas.stream()
        .filter(sa -> selected(config, sa, query))
        .sorted(Comparator.comparing((ChildSa sa) -> interfaceOf(config, sa))
            .thenComparing(ChildSa::cryptoMap, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(ChildSa::createdEpochMillis))
        .forEach(sa -> flows.computeIfAbsent(FlowKey.of(config, sa), k -> new ArrayList<>()).add(sa));
    if (query.kind() == IpsecSaQuery.Kind.ADDRESS) {
      return byAddress(flows, counters, nowMillis);
    }

    StringBuilder out = new StringBuilder();
    String lastInterface = null;
    for (Map.Entry<FlowKey, List<ChildSa>> flow : flows.entrySet()) {
      FlowKey key = flow.getKey();
      if (!key.interfaceName.equals(lastInterface)) {
        if (lastInterface != null) {
          out.append('\n');
        }
        out.append("interface: ").append(key.interfaceName).append('\n');
        lastInterface = key.interfaceName;
      }
      flow(out, config, key, flow.getValue(), counters, query.detail(), query.kind() != IpsecSaQuery.Kind.IDENTITY,
          nowMillis);
    }
    return out.toString();
  }

  /** Two spellings of one IPv6 address ({@code 2001:DB8:0::2} and {@code 2001:db8::2}). */
  private static boolean sameIpv6(String a, String b) {
    String x = io.ipsecmesh.proto.config.Ipv6.canonical(a);
    return x != null && x.equals(io.ipsecmesh.proto.config.Ipv6.canonical(b));
  }

  private static boolean selected(GatewayConfig config, ChildSa sa, IpsecSaQuery q) {
    return switch (q.kind()) {
      case ALL, ADDRESS, IDENTITY -> true;
      case PEER -> q.value().equals(sa.peerAddress()) || Columns.ipv6(q.value())
          && q.value().equalsIgnoreCase(sa.peerAddress() == null ? "" : sa.peerAddress())
          || sameIpv6(q.value(), sa.peerAddress());
      case MAP -> q.value().equals(sa.cryptoMap());
      case INTERFACE -> IpsecSaQuery.namesInterface(q.value(), interfaceOf(config, sa));
    };
  }

  /**
   * {@code show crypto ipsec sa address}: the SAs by destination address, then protocol — our inbound SAs
   * under our own address, our outbound SAs under the peer's.
   */
  private static String byAddress(Map<FlowKey, List<ChildSa>> flows, Map<String, SaCounters> counters, long now) {
    Map<String, List<OneSa>> byDest = new java.util.TreeMap<>();
    for (Map.Entry<FlowKey, List<ChildSa>> flow : flows.entrySet()) {
      for (ChildSa sa : flow.getValue()) {
        byDest.computeIfAbsent(String.valueOf(sa.localAddress()), k -> new ArrayList<>())
            .add(new OneSa(sa, sa.inboundSpi(), flow.getKey().cryptoMap));
        byDest.computeIfAbsent(String.valueOf(sa.peerAddress()), k -> new ArrayList<>())
            .add(new OneSa(sa, sa.outboundSpi(), flow.getKey().cryptoMap));
      }
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<OneSa>> dest : byDest.entrySet()) {
      out.append("dest address: ").append(Columns.ip(dest.getKey())).append('\n');
      out.append("   protocol: ESP\n");
      for (OneSa one : dest.getValue()) {
        StringBuilder lines = new StringBuilder();
        sa(lines, one.mapTag(), one.sa(), one.spi(), counters.get(one.sa().key()), false, now);
        // the SA lines one level deeper than under "inbound esp sas:"
        lines.toString().lines().forEach(l -> out.append(l.isEmpty() ? "" : "   " + l).append('\n'));
      }
    }
    return out.toString();
  }

  /** One direction of a Child SA: the SA and the SPI of that direction. */
  private record OneSa(ChildSa sa, long spi, String mapTag) {}

  private static void flow(StringBuilder out, GatewayConfig config, FlowKey key, List<ChildSa> sas,
      Map<String, SaCounters> counters, boolean detail, boolean withSas, long now) {
    Totals total = new Totals();
    for (ChildSa sa : sas) {
      SaCounters c = counters.get(sa.key());
      if (c != null) {
        total.add(c);
      }
    }
    ChildSa newest = sas.getLast();
    out.append("  Crypto map tag: ").append(key.cryptoMap).append(", local addr. ").append(Columns.ip(key.localAddress))
        .append('\n');
    out.append("  protected vrf:\n");
    out.append("  local ident (addr/mask/prot/port): ").append(key.localIdent).append('\n');
    out.append("  remote ident (addr/mask/prot/port): ").append(key.remoteIdent).append('\n');
    if (Columns.ipv6(key.peerAddress)) {
      // ADDR:PORT would be ambiguous for IPv6: IOS writes "current_peer ADDR port N" there
      out.append("  current_peer ").append(Columns.ip(key.peerAddress)).append(" port ").append(key.peerPort)
          .append('\n');
    } else {
      out.append("  current_peer: ").append(key.peerAddress).append(':').append(key.peerPort).append('\n');
    }
    out.append("    PERMIT, flags={origin_is_acl,}\n");
    out.append("    #pkts encaps: ").append(total.encaps).append(", #pkts encrypt: ").append(total.encrypt)
        .append(", #pkts digest: ").append(total.digest).append('\n');
    out.append("    #pkts decaps: ").append(total.decaps).append(", #pkts decrypt: ").append(total.decrypt)
        .append(", #pkts verify: ").append(total.verify).append('\n');
    out.append("    #pkts compressed: 0, #pkts decompressed: 0\n");
    out.append("    #pkts not compressed: 0, #pkts compr. failed: 0\n");
    out.append("    #pkts not decompressed: 0, #pkts decompress failed: 0\n");
    if (detail) {
      // an unknown SPI belongs to no flow, so "invalid sa" is 0 here; the forwarder counts those globally
      out.append("    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0\n");
      out.append("    #pkts encaps failed (send) ").append(total.sendErrors)
          .append(", #pkts decap failed (rcv) ").append(total.recvErrors).append('\n');
      out.append("    #pkts invalid prot (recv) 0, #pkts verify failed: ").append(total.authFailures).append('\n');
      out.append("    #pkts invalid identity (recv) ").append(total.policyFailures)
          .append(", #pkts invalid len (rcv) 0\n");
      // crypto access check on clear-text packets: counted per crypto map entry, not per SA
      out.append("    #pkts clear-text dropped (recv) ").append(total.cleartextDrops).append('\n');
      out.append("    #pkts replay rollover (send): 0, #pkts replay rollover (rcv) 0\n");
      out.append("    ##pkts replay failed (rcv): ").append(total.replayFailures).append('\n');
    }
    out.append("    #send errors ").append(total.sendErrors).append(", #recv errors ").append(total.recvErrors)
        .append('\n');
    out.append('\n');
    out.append("    local crypto endpt.: ").append(Columns.ip(key.localAddress)).append(", remote crypto endpt.: ")
        .append(Columns.ip(key.peerAddress)).append('\n');
    int mtu = mtuOf(config, key.interfaceName);
    out.append("    path mtu ").append(mtu).append(", media mtu ").append(mtu).append('\n');
    out.append("    current outbound spi: ").append(hex(newest.outboundSpi())).append('\n');
    out.append('\n');
    if (!withSas) {
      return;
    }
    out.append("  inbound esp sas:\n");
    for (ChildSa sa : sas) {
      sa(out, key.cryptoMap, sa, sa.inboundSpi(), counters.get(sa.key()), detail, now);
    }
    out.append("  inbound ah sas:\n");
    out.append("  inbound pcp sas:\n");
    out.append("  outbound esp sas:\n");
    for (ChildSa sa : sas) {
      sa(out, key.cryptoMap, sa, sa.outboundSpi(), counters.get(sa.key()), detail, now);
    }
    out.append("  outbound ah sas:\n");
    out.append("  outbound pcp sas:\n");
    out.append('\n');
  }

  private static void sa(StringBuilder out, String mapTag, ChildSa sa, long spi, SaCounters counters, boolean detail,
      long now) {
    long s = spi & 0xFFFF_FFFFL;
    out.append("    spi: 0x").append(hex(s)).append('(').append(s).append(")\n");
    out.append("      transform: ").append(sa.transform() == null ? "unknown" : sa.transform().iosName).append(" ,\n");
    out.append("      in use settings ={").append(sa.mode() == ChildSa.Mode.TRANSPORT ? "Transport" : "Tunnel")
        .append(sa.udpEncapsulation() ? " UDP-Encaps" : "").append(", }\n");
    out.append("      slot: 0, conn id: ").append(sa.connectionId()).append(", flow_id: ").append(sa.connectionId())
        .append(", crypto map: ").append(mapTag).append('\n');
    out.append("      crypto engine type: Software\n");
    if (detail && counters != null && counters.forwarderId() != null && !counters.forwarderId().isEmpty()) {
      // not IOS: the esp-forwarder instance that owns the SA pair and wrote these counters (with several
      // forwarders per gateway only the owner writes them; README, "Several esp-forwarder instances")
      out.append("      Owner instance: ").append(counters.forwarderId()).append('\n');
    }
    out.append("      sa timing: remaining key lifetime (k/sec): (").append(remainingKilobytes(sa, counters)).append('/')
        .append(remainingSeconds(sa, counters, now)).append(")\n");
    if (sa.transform() != null) {
      out.append("      IV size: ").append(sa.transform().ivBytes).append(" bytes\n");
    }
    out.append("      replay detection support: ").append(sa.replayWindow() > 0 ? "Y" : "N").append('\n');
    out.append('\n');
  }

  /** The forwarder's count when it reported one (it sees the bytes), else the full volume lifetime. */
  static long remainingKilobytes(ChildSa sa, SaCounters counters) {
    if (counters != null && counters.remainingKilobytes() >= 0) {
      return counters.remainingKilobytes();
    }
    return sa.lifetime() == null ? 0 : Math.max(0, sa.lifetime().hardKilobytes());
  }

  /** The forwarder's count aged to now, else the hard lifetime minus the SA's age. */
  static long remainingSeconds(ChildSa sa, SaCounters counters, long now) {
    if (counters != null && counters.remainingSeconds() >= 0) {
      long since = Math.max(0, now - counters.updatedEpochMillis()) / 1000;
      return Math.max(0, counters.remainingSeconds() - since);
    }
    if (sa.lifetime() == null || sa.lifetime().hardSeconds() <= 0) {
      return 0;
    }
    long elapsed = Math.max(0, now - sa.createdEpochMillis()) / 1000;
    return Math.max(0, sa.lifetime().hardSeconds() - elapsed);
  }

  static String hex(long spi) {
    return String.format("%08X", spi & 0xFFFF_FFFFL);
  }

  /** The interface the SA's crypto map is applied to, as IOS groups the output. */
  static String interfaceOf(GatewayConfig config, ChildSa sa) {
    if (config != null && config.tunnelOf(sa.cryptoMap(), sa.mapSequence()) != null) {
      return sa.cryptoMap(); // a tunnel interface's SA is shown under the tunnel interface, as IOS does
    }
    if (config != null && sa.cryptoMap() != null) {
      List<InterfaceConfig> ifs = config.interfacesWithCryptoMap(sa.cryptoMap());
      for (InterfaceConfig i : ifs) {
        if (sa.localAddress() != null && (sa.localAddress().equals(i.ipAddress())
            || sa.localAddress().equals(i.ipv6AddressOnly()))) {
          return i.name();
        }
      }
      if (!ifs.isEmpty()) {
        return ifs.getFirst().name();
      }
    }
    return "(none)";
  }

  /**
   * The crypto map tag IOS prints: the map's name, or for a tunnel interface the map IOS builds for it,
   * {@code Tunnel1-head-0}.
   */
  static String mapTag(GatewayConfig config, ChildSa sa) {
    if (config != null && config.tunnelOf(sa.cryptoMap(), sa.mapSequence()) != null) {
      return sa.cryptoMap() + "-head-0";
    }
    return String.valueOf(sa.cryptoMap());
  }

  private static int mtuOf(GatewayConfig config, String interfaceName) {
    InterfaceConfig i = config == null ? null : config.interfaceNamed(interfaceName);
    return i != null && i.tunnelInnerMtu() != null ? i.tunnelInnerMtu() : DEFAULT_MTU;
  }

  /** The counters of every SA of one flow (old and new SA while a rekey overlaps) added up. */
  private static final class Totals {
    long encaps, encrypt, digest, decaps, decrypt, verify, sendErrors, recvErrors, replayFailures, authFailures,
        policyFailures, cleartextDrops;

    void add(SaCounters c) {
      encaps += c.encaps();
      encrypt += c.encrypt();
      digest += c.digest();
      decaps += c.decaps();
      decrypt += c.decrypt();
      verify += c.verify();
      sendErrors += c.sendErrors();
      recvErrors += c.recvErrors();
      replayFailures += c.replayFailures();
      authFailures += c.authFailures();
      policyFailures += c.policyFailures();
      // every SA of the map entry reports the entry's one count: not a sum
      cleartextDrops = Math.max(cleartextDrops, c.cleartextDrops());
    }
  }

  private record FlowKey(String interfaceName, String cryptoMap, String localAddress, String localIdent,
      String remoteIdent, String peerAddress, int peerPort) {

    static FlowKey of(GatewayConfig config, ChildSa sa) {
      return new FlowKey(interfaceOf(config, sa), mapTag(config, sa), String.valueOf(sa.localAddress()),
          idents(sa.localSelectors()), idents(sa.remoteSelectors()), String.valueOf(sa.peerAddress()),
          sa.peerPort() == 0 ? 500 : sa.peerPort());
    }

    private static String idents(List<TrafficSelector> selectors) {
      if (selectors == null || selectors.isEmpty()) {
        return "(0.0.0.0/0.0.0.0/0/0)";
      }
      // IOS prints one flow per selector pair; ike-service installs one pair per Child SA
      return Ident.of(selectors.getFirst());
    }
  }
}

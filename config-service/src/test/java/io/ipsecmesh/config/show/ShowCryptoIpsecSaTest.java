package io.ipsecmesh.config.show;

import static io.ipsecmesh.config.show.ShowFixtures.CREATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShowCryptoIpsecSaTest {

  private static GatewayConfig withInterface() {
    return GatewayConfig.builder()
        .interfaces(List.of(new InterfaceConfig("FastEthernet0/0", "10.1.1.1", "255.255.255.0", 1400, "testtag1",
            null, null)))
        .build();
  }

  @Test
  void seedLayoutWithCountersFromTheForwarder() {
    ChildSa sa = ShowFixtures.childSa(0x249C5062L, 0x7AA69CB7L, 5123, CREATED);
    long now = CREATED + 5_000;
    String out = ShowCryptoIpsecSa.render(withInterface(), List.of(sa),
        Map.of(sa.key(), ShowFixtures.counters(sa, 10, 4537831, 3597, CREATED + 3_000)), null, false, now);
    String expected = """
        interface: FastEthernet0/0
          Crypto map tag: testtag1, local addr. 10.1.1.1
          protected vrf:
          local ident (addr/mask/prot/port): (10.0.0.1/255.255.255.255/0/0)
          remote ident (addr/mask/prot/port): (10.0.2.2/255.255.255.255/0/0)
          current_peer: 10.2.2.2:500
            PERMIT, flags={origin_is_acl,}
            #pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10
            #pkts decaps: 10, #pkts decrypt: 10, #pkts verify: 10
            #pkts compressed: 0, #pkts decompressed: 0
            #pkts not compressed: 0, #pkts compr. failed: 0
            #pkts not decompressed: 0, #pkts decompress failed: 0
            #send errors 0, #recv errors 2

            local crypto endpt.: 10.1.1.1, remote crypto endpt.: 10.2.2.2
            path mtu 1400, media mtu 1400
            current outbound spi: 7AA69CB7

          inbound esp sas:
            spi: 0x249C5062(614223970)
              transform: esp-gcm 256 ,
              in use settings ={Tunnel, }
              slot: 0, conn id: 5123, flow_id: 5123, crypto map: testtag1
              crypto engine type: Software
              sa timing: remaining key lifetime (k/sec): (4537831/3595)
              IV size: 8 bytes
              replay detection support: Y

          inbound ah sas:
          inbound pcp sas:
          outbound esp sas:
            spi: 0x7AA69CB7(2057739447)
              transform: esp-gcm 256 ,
              in use settings ={Tunnel, }
              slot: 0, conn id: 5123, flow_id: 5123, crypto map: testtag1
              crypto engine type: Software
              sa timing: remaining key lifetime (k/sec): (4537831/3595)
              IV size: 8 bytes
              replay detection support: Y

          outbound ah sas:
          outbound pcp sas:

        """;
    assertEquals(expected, out);
  }

  @Test
  void detailAddsErrorCountersAndRekeyedSasShareOneFlow() {
    ChildSa old = ShowFixtures.childSa(0x249C5062L, 0x7AA69CB7L, 5123, CREATED);
    ChildSa rekeyed = ShowFixtures.childSa(0xE7AB4256L, 0xD763771FL, 5127, CREATED + 60_000);
    String out = ShowCryptoIpsecSa.render(withInterface(), List.of(rekeyed, old),
        Map.of(old.key(), ShowFixtures.counters(old, 10, 100, 100, CREATED),
            rekeyed.key(), ShowFixtures.counters(rekeyed, 5, 100, 100, CREATED)),
        "10.2.2.2", true, CREATED + 61_000);
    assertTrue(out.contains("    #pkts encaps: 15, #pkts encrypt: 15, #pkts digest: 15\n"), out);
    assertTrue(out.contains("    ##pkts replay failed (rcv): 2\n"), out);
    assertTrue(out.contains("    #pkts invalid prot (recv) 0, #pkts verify failed: 2\n"), out);
    assertTrue(out.contains("    current outbound spi: D763771F\n"), out);
    assertTrue(out.indexOf("spi: 0x249C5062") < out.indexOf("spi: 0xE7AB4256"), "older SA first, as IOS lists");
    assertEquals(1, out.split("Crypto map tag:", -1).length - 1, "one flow block");
  }

  @Test
  void detailShowsTheClearTextDropsOfTheCryptoMapEntryOnce() {
    ChildSa old = ShowFixtures.childSa(0x249C5062L, 0x7AA69CB7L, 5123, CREATED);
    ChildSa rekeyed = ShowFixtures.childSa(0xE7AB4256L, 0xD763771FL, 5127, CREATED + 60_000);
    String out = ShowCryptoIpsecSa.render(withInterface(), List.of(rekeyed, old),
        Map.of(old.key(), withCleartextDrops(ShowFixtures.counters(old, 10, 100, 100, CREATED), 7),
            rekeyed.key(), withCleartextDrops(ShowFixtures.counters(rekeyed, 5, 100, 100, CREATED), 7)),
        "10.2.2.2", true, CREATED + 61_000);
    assertTrue(out.contains("    #pkts clear-text dropped (recv) 7\n"), "the entry's count, not a sum: " + out);
  }

  @Test
  void detailNamesTheForwarderInstanceThatOwnsEachSa() {
    ChildSa sa = ShowFixtures.childSa(0x249C5062L, 0x7AA69CB7L, 5123, CREATED);
    SaCounters c = ShowFixtures.counters(sa, 10, 4537831, 3597, CREATED + 3_000);
    SaCounters ownedByB = new SaCounters("esp-b", c.connectionId(), c.cryptoMap(), c.mapSequence(), c.localAddress(),
        c.peerAddress(), c.peerPort(), c.transform(), c.inboundSpi(), c.currentOutboundSpi(), c.encaps(), c.encrypt(),
        c.digest(), c.decaps(), c.decrypt(), c.verify(), c.encapBytes(), c.decapBytes(), c.sendErrors(),
        c.recvErrors(), c.replayFailures(), c.authFailures(), c.policyFailures(), c.remainingKilobytes(),
        c.remainingSeconds(), c.updatedEpochMillis(), 0);
    String out = ShowCryptoIpsecSa.render(withInterface(), List.of(sa), Map.of(sa.key(), ownedByB), null, true,
        CREATED + 5_000);
    String inbound = out.substring(out.indexOf("  inbound esp sas:\n"), out.indexOf("  inbound ah sas:\n"));
    assertEquals("""
          inbound esp sas:
            spi: 0x249C5062(614223970)
              transform: esp-gcm 256 ,
              in use settings ={Tunnel, }
              slot: 0, conn id: 5123, flow_id: 5123, crypto map: testtag1
              crypto engine type: Software
              Owner instance: esp-b
              sa timing: remaining key lifetime (k/sec): (4537831/3595)
              IV size: 8 bytes
              replay detection support: Y

        """, inbound);
    assertEquals(2, out.lines().filter(l -> l.equals("      Owner instance: esp-b")).count(), "inbound and outbound");
    assertTrue(ShowCryptoIpsecSa.render(withInterface(), List.of(sa), Map.of(sa.key(), ownedByB), null, false,
        CREATED + 5_000).lines().noneMatch(l -> l.contains("Owner instance")), "detail only");
    assertTrue(ShowCryptoIpsecSa.render(withInterface(), List.of(sa), Map.of(), null, true, CREATED + 5_000)
        .lines().noneMatch(l -> l.contains("Owner instance")), "no counters row: no owner known");
  }

  private static SaCounters withCleartextDrops(SaCounters c, long drops) {
    return new SaCounters(c.forwarderId(), c.connectionId(), c.cryptoMap(), c.mapSequence(), c.localAddress(),
        c.peerAddress(), c.peerPort(), c.transform(), c.inboundSpi(), c.currentOutboundSpi(), c.encaps(), c.encrypt(),
        c.digest(), c.decaps(), c.decrypt(), c.verify(), c.encapBytes(), c.decapBytes(), c.sendErrors(),
        c.recvErrors(), c.replayFailures(), c.authFailures(), c.policyFailures(), c.remainingKilobytes(),
        c.remainingSeconds(), c.updatedEpochMillis(), drops);
  }

  @Test
  void withoutCountersTheLifetimeComesFromTheSaAndPeerFilterApplies() {
    ChildSa sa = ShowFixtures.childSa(0x1000L, 0x2000L, 7, CREATED);
    String out = ShowCryptoIpsecSa.render(GatewayConfig.empty(), List.of(sa), Map.of(), null, false, CREATED + 100_500);
    assertTrue(out.startsWith("interface: (none)\n"), out);
    assertTrue(out.contains("(4608000/3500)"), out);
    assertTrue(out.contains("    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n"), out);
    assertEquals("", ShowCryptoIpsecSa.render(GatewayConfig.empty(), List.of(sa), Map.of(), "10.9.9.9", false, CREATED));
    assertFalse(out.contains("replay failed"), "counters of detail only with detail");
  }

  /** Router A's SA of the seed with counters as the seed shows them (10 packets each way, no errors). */
  private static String routerA(IpsecSaQuery query) {
    ChildSa sa = ShowFixtures.childSa(0x249C5062L, 0x7AA69CB7L, 5123, CREATED);
    SaCounters c = ShowFixtures.counters(sa, 10, 4537831, 3595, CREATED);
    SaCounters clean = new SaCounters(c.forwarderId(), c.connectionId(), c.cryptoMap(), c.mapSequence(),
        c.localAddress(), c.peerAddress(), c.peerPort(), c.transform(), c.inboundSpi(), c.currentOutboundSpi(),
        10, 10, 10, 10, 10, 10, 14000, 14000, 0, 0, 0, 0, 0, 4537831, 3595, CREATED, 0);
    GatewayConfig config = withInterface();
    InterfaceConfig fa = config.interfaces().getFirst();
    GatewayConfig mtu1500 = GatewayConfig.builder()
        .isakmpPolicies(config.isakmpPolicies())
        .isakmpKeys(config.isakmpKeys())
        .dfBit(config.dfBit())
        .sa(config.sa())
        .interfaces(List.of(new InterfaceConfig(fa.name(), fa.ipAddress(), fa.mask(), null, fa.cryptoMap(), null,
            null)))
        .build();
    return ShowCryptoIpsecSa.render(mtu1500, List.of(sa), Map.of(sa.key(), clean), query, CREATED);
  }

  @Test
  void interfaceFilterPrintsTheSeedsFlowBlockLineForLine() throws Exception {
    List<String> seed = SeedOutput.lines("show-crypto-ipsec-sa-interface-router-a.txt");
    // as typed in the seed: lower case, the type spelled out
    String out = routerA(new IpsecSaQuery(IpsecSaQuery.Kind.INTERFACE, "fastethernet0/0", false));
    List<String> ours = SeedOutput.ours(out);
    int flowLines = seed.indexOf("  inbound esp sas:");
    assertEquals(16, flowLines, "interface … current outbound spi");
    assertEquals(seed.subList(0, flowLines + 2), ours.subList(0, flowLines + 2), out);
    // the ESP SA lines that do not depend on the engine: the seed's router has hardware crypto, DES and
    // counts flows apart from conn ids
    for (String l : List.of("      sa timing: remaining key lifetime (k/sec): (4537831/3595)", "      IV size: 8 bytes",
        "      replay detection support: Y", "  inbound ah sas:", "  inbound pcp sas:", "  outbound esp sas:",
        "    spi: 0x7AA69CB7(2057739447)")) {
      assertTrue(seed.contains(l) && ours.contains(l), l);
    }
    assertEquals(out, routerA(new IpsecSaQuery(IpsecSaQuery.Kind.INTERFACE, "Fa0/0", false)), "abbreviated");
    assertEquals("", routerA(new IpsecSaQuery(IpsecSaQuery.Kind.INTERFACE, "FastEthernet1/0", false)));
  }

  @Test
  void mapFilterIdentityAndAddressLayouts() {
    String all = routerA(IpsecSaQuery.all(false));
    assertEquals(all, routerA(new IpsecSaQuery(IpsecSaQuery.Kind.MAP, "testtag1", false)));
    assertEquals("", routerA(new IpsecSaQuery(IpsecSaQuery.Kind.MAP, "othermap", false)));

    String identity = routerA(new IpsecSaQuery(IpsecSaQuery.Kind.IDENTITY, null, false));
    assertTrue(all.startsWith(identity), "identity is the flow block without the SA lists");
    assertTrue(identity.contains("    current outbound spi: 7AA69CB7\n") && !identity.contains("esp sas"), identity);

    String address = routerA(new IpsecSaQuery(IpsecSaQuery.Kind.ADDRESS, null, false));
    // our inbound SA under our own address, our outbound SA under the peer's
    assertEquals(
        "dest address: 10.1.1.1\n" +
        "   protocol: ESP\n" +
        "       spi: 0x249C5062(614223970)\n" +
        "         transform: esp-gcm 256 ,\n" +
        "         in use settings ={Tunnel, }\n" +
        "         slot: 0, conn id: 5123, flow_id: 5123, crypto map: testtag1\n" +
        "         crypto engine type: Software\n" +
        "         sa timing: remaining key lifetime (k/sec): (4537831/3595)\n" +
        "         IV size: 8 bytes\n" +
        "         replay detection support: Y\n" +
        "\n" +
        "dest address: 10.2.2.2\n" +
        "   protocol: ESP\n" +
        "       spi: 0x7AA69CB7(2057739447)\n" +
        "         transform: esp-gcm 256 ,\n" +
        "         in use settings ={Tunnel, }\n" +
        "         slot: 0, conn id: 5123, flow_id: 5123, crypto map: testtag1\n" +
        "         crypto engine type: Software\n" +
        "         sa timing: remaining key lifetime (k/sec): (4537831/3595)\n" +
        "         IV size: 8 bytes\n" +
        "         replay detection support: Y\n" +
        "\n", address);
  }
}

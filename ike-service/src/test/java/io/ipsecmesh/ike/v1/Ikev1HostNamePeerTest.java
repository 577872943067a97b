package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set peer HOST} in an IKEv1 entry: resolved when the configuration is applied, through the service's
 * resolver (here an /etc/hosts-style file the test writes, {@code ipsecmesh.hosts-file}); its key found by
 * {@code crypto isakmp key … hostname HOST}, else by the address; a name that does not resolve leaves the peer out.
 */
class Ikev1HostNamePeerTest {

  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("ipsecmesh.hosts-file");
  }

  private static GatewayConfig config(List<String> peers, List<IsakmpKey> keys) {
    GatewayConfig e = GatewayConfig.empty();
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.1.0.0", "0.0.255.255"), null, new AddressMatch("10.2.0.0", "0.0.255.255"), null, null)));
    return new GatewayConfig(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)), keys, null,
        null, false, true, DfBit.COPY, e.sa(),
        List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)),
        List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, peers, List.of("TS"), null, null,
            "101", null, null, null)),
        List.of(acl), List.of(new InterfaceConfig("Gi1", "192.0.2.1", "255.255.255.0", null, "VPN", null, null)),
        List.of(), List.of(), List.of(), List.of(), List.of(), null);
  }

  @Test
  void aHostNamePeerIsResolvedWhenTheConfigurationIsApplied() throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "192.0.2.2 hub.example.net\n");
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
    List<Ikev1Policy> ps = Ikev1Policies.from(config(List.of("nowhere.example.net", "hub.example.net"),
        List.of(new IsakmpKey("by-name", null, null, "hub.example.net"), new IsakmpKey("by-address", "192.0.2.2",
            null))), "203.0.113.1");
    assertEquals(1, ps.size(), "nowhere.example.net does not resolve");
    assertEquals("192.0.2.2", ps.getFirst().peerAddress());
    assertArrayEquals("by-name".getBytes(StandardCharsets.UTF_8), ps.getFirst().psk(), "the key named for the host");

    List<Ikev1Policy> byAddress = Ikev1Policies.from(config(List.of("hub.example.net"),
        List.of(new IsakmpKey("by-address", "192.0.2.2", null))), "203.0.113.1");
    assertArrayEquals("by-address".getBytes(StandardCharsets.UTF_8), byAddress.getFirst().psk());
  }
}

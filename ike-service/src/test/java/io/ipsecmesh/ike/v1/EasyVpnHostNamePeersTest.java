package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host names in an Easy VPN remote's {@code peer} list (the DPD chapter's "DPD Used in Conjunction with Multiple Peers
 * for an Easy VPN Remote" with names instead of addresses), through the production path ({@link Ikev1Service#configure}
 * → {@code EasyVpnPolicies} → the engine), resolved through the service's resolver — here an /etc/hosts-style file the
 * test writes and edits ({@code ipsecmesh.hosts-file}), never the machine's: every attempt resolves the name again,
 * a name that does not resolve is passed over for the next {@code peer}, and DPD's failover goes down the list by
 * position. And {@code mode network-plus}: the inside network is the local side, as in network-extension mode.
 */
class EasyVpnHostNamePeersTest {

  @TempDir
  Path dir;

  private final List<IkeDatagram> sent = new ArrayList<>();
  private final List<EzvpnStatus> published = new ArrayList<>();
  private final Ikev1Service service = new Ikev1Service(new VirtualScheduler(), new IkeEventSink() {},
      TwoGateways.WRAP, RetransmitPolicy.DEFAULT, sent::add);

  EasyVpnHostNamePeersTest() {
    service.setEasyVpnSink(new Ikev1Service.EasyVpnSink() {
      @Override
      public void changed(EzvpnStatus status) {
        published.add(status);
      }

      @Override
      public void removed(String name) {}
    });
  }

  @AfterEach
  void clear() {
    System.clearProperty("ipsecmesh.hosts-file");
  }

  private Path hosts(String text) throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, text);
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
    return hosts;
  }

  /** The Aggressive Mode first messages sent so far, by destination. */
  private List<String> am1To() throws Exception {
    List<String> out = new ArrayList<>();
    for (IkeDatagram d : sent) {
      if (IsakmpCodec.decodeHeader(d.message()).exchangeType() == IsakmpConstants.EXCH_AGGRESSIVE) {
        out.add(d.peerAddress());
      }
    }
    return out;
  }

  @Test
  void eachConnectResolvesTheNameAgain() throws Exception {
    Path hosts = hosts("10.2.80.209 hub1.example.net\n10.2.2.2 hub2.example.net\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.MANUAL, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    assertNull(service.connect("ezvpn-config"));
    assertEquals(List.of("10.2.80.209"), am1To());
    assertEquals("10.2.80.209", published.getLast().peer(), "show crypto ipsec client ezvpn: the address");

    service.clearEasyVpn("ezvpn-config");
    Files.writeString(hosts, "10.2.80.210 hub1.example.net\n10.2.2.2 hub2.example.net\n");
    assertNull(service.connect("ezvpn-config"));
    assertEquals(List.of("10.2.80.209", "10.2.80.210"), am1To(), "the server moved: the next attempt follows it");
  }

  @Test
  void aNameThatDoesNotResolveIsPassedOverForTheNextPeer() throws Exception {
    Path hosts = hosts("10.2.2.2 hub2.example.net\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.AUTO, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    assertEquals(List.of("10.2.2.2"), am1To(), "connect auto: hub1 does not resolve, hub2 does");

    service.clearEasyVpn(null);
    sent.clear();
    Files.writeString(hosts, "# nothing resolves\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.MANUAL, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    assertNull(service.connect("ezvpn-config"));
    assertEquals(List.of(), sent, "no peer resolves: nothing is sent anywhere");
  }

  @Test
  void dpdFailsOverToTheNextNameInTheListAndWrapsToTheFirst() throws Exception {
    hosts("10.2.80.209 hub1.example.net\n10.2.2.2 hub2.example.net\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.AUTO, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    CurrentPeers current = new CurrentPeers();
    String first = service.ikeSaIdFor("10.2.80.209");
    // dpd-service cannot place 10.2.80.209 in a list of names: the next peer it names is the list's first
    service.peerDead(new PeerDead(first, "10.2.80.209", 500, 30_000, "", "hub1.example.net"), current);
    assertEquals(List.of("10.2.80.209", "10.2.2.2"), am1To(), "the next peer by position, resolved");
    assertEquals("10.2.2.2", published.getLast().peer());
    assertEquals("hub2.example.net", current.current("ezvpn-config", 0).orElseThrow(),
        "kept by name: the next attempt resolves it again");

    service.peerDead(new PeerDead(service.ikeSaIdFor("10.2.2.2"), "10.2.2.2", 500, 30_000, "", "hub1.example.net"),
        current);
    assertEquals(List.of("10.2.80.209", "10.2.2.2", "10.2.80.209"), am1To(), "after the last, the first");
  }

  @Test
  void networkPlusProtectsTheInsideNetworkLikeNetworkExtension() {
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.MANUAL, EzvpnClient.Mode.NETWORK_PLUS,
        "10.2.80.209"), "10.1.32.14");
    Ikev1Policy p = service.engine().policies().getFirst();
    assertTrue(p.xauth().networkExtension() && p.xauth().networkPlus(), p.xauth().toString());
    assertEquals("10.2.3.0", p.localSelectors().getFirst().startAddress(), "the inside interface's network");
    assertEquals("network-plus", published.getLast().mode());
  }

  /**
   * Legacy Easy VPN is IPv4 only: a {@code peer} name with IPv6 addresses only fails its attempt (logged: "resolves
   * to … only: no IPv4 address") and is passed over for the next peer; none with an IPv4 address, nothing is sent.
   */
  @Test
  void aNameWithOnlyIpv6AddressesFailsItsAttemptAndIsPassedOver() throws Exception {
    Path hosts = hosts("2001:db8::209 hub1.example.net\n10.2.2.2 hub2.example.net\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.AUTO, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    assertEquals(List.of("10.2.2.2"), am1To(), "hub1 has no IPv4 address: hub2");

    service.clearEasyVpn(null);
    sent.clear();
    Files.writeString(hosts, "2001:db8::209 hub1.example.net\n2001:db8::2 hub2.example.net\n");
    service.configure(EasyVpnRemotesTest.seedRemote(EzvpnClient.Connect.MANUAL, EzvpnClient.Mode.CLIENT,
        "hub1.example.net", "hub2.example.net"), "10.1.32.14");
    assertNull(service.connect("ezvpn-config"));
    assertEquals(List.of(), sent, "no peer has an IPv4 address: nothing is sent, over IPv6 neither");
  }
}

package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.IkeEventSink;
import static io.ipsecmesh.ike.interop.InteropPeerSupport.cidr;
import static io.ipsecmesh.ike.interop.InteropPeerSupport.say;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.interop.InteropPeerSupport;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our IKEv1 side as a separate process, so the interop test can start it inside a network namespace
 * with {@code ip netns exec} (a JVM cannot move a socket into another namespace). A verticle owns UDP
 * 500 and 4500 (adding/removing the RFC 3948 non-ESP marker on 4500, ignoring ESP and NAT keepalives)
 * and runs {@link Ikev1Service} on its context, the way {@code IkeVerticle} will. Events go to stdout,
 * one a line: {@code READY}, {@code UP <peer id> <ISAKMP SA id>}, {@code CHILD <ChildSa JSON, keys
 * wrapped>}, {@code DELETED <inbound SPI>}, {@code DOWN <reason>}, {@code PROBE <acknowledged>}, {@code ROW <show
 * crypto isakmp sa state>}, {@code MODECFG <what an Easy VPN server pushed>}. Stdin
 * commands: {@code initiate}, {@code probe}, {@code rekey <inbound SPI hex>}; closing stdin stops it (with DELETEs to the peer).
 */
public final class Ikev1InteropPeer extends AbstractVerticle {

  private final Ikev1Policy policy;
  /** {@code --ezvpn-from-config}: the seed's Easy VPN remote as a configuration model, applied at start. */
  private io.ipsecmesh.proto.config.GatewayConfig config;
  private Ikev1Service service;
  private DatagramSocket ike;
  private DatagramSocket natt;

  private Ikev1InteropPeer(Ikev1Policy policy) {
    this.policy = policy;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = InteropPeerSupport.options(args);
    Ikev1Policy policy = new Ikev1Policy("interop", 10, a.get("peer"), a.get("local"),
        new Ikev1Policy.Identity("keyid".equals(a.get("local-id-type")) ? IsakmpConstants.ID_KEY_ID
            : IsakmpConstants.ID_FQDN, a.get("local-id")),
        // what Ikev1Policies makes of set isakmp-profile P with "match identity host REMOTE-ID"
        Ikev1Policies.remote(new io.ipsecmesh.proto.config.IsakmpProfile("P", List.of(
            new io.ipsecmesh.proto.config.IdentityMatch(io.ipsecmesh.proto.config.IkeIdentity.Type.FQDN,
                a.get("remote-id"), false)), null), a.get("peer")),
        a.get("psk").getBytes(StandardCharsets.UTF_8),
        List.of(new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.MODP_2048, 14_400)),
        List.of(EspTransform.valueOf(a.getOrDefault("esp", "AES_CBC_256_HMAC_SHA256_128"))),
        a.containsKey("pfs") ? DhGroup.byId(Integer.parseInt(a.get("pfs"))) : null,
        List.of(cidr(a.get("local-ts"))), List.of(cidr(a.get("remote-ts"))), ChildSa.Mode.TUNNEL, 64, 3600,
        4_608_000, 0, "copy");
    if (a.containsKey("ezvpn")) {
      // an Easy VPN remote: Aggressive Mode with the group name as ID_KEY_ID and the group key, then XAUTH
      // with this user and Mode Config (what Ikev1Policies makes of crypto ipsec client ezvpn)
      policy = new Ikev1Policy(policy.cryptoMap(), policy.mapSequence(), policy.peerAddress(), policy.localAddress(),
          policy.localId(), policy.remote(), policy.psk(), policy.suites(), policy.espTransforms(), policy.pfsGroup(),
          policy.localSelectors(), policy.remoteSelectors(), policy.mode(), policy.replayWindow(),
          policy.lifetimeSeconds(), policy.lifetimeKilobytes(), policy.idleTimeSeconds(), policy.dfBit(), true,
          new Ikev1Policy.EasyVpnClient(a.get("ezvpn"), a.get("xauth-user"),
              a.get("xauth-password").getBytes(StandardCharsets.UTF_8)));
    }
    if ("yes".equals(a.get("aggressive"))) {
      // as a peer with set aggressive-mode client-endpoint: Aggressive Mode as initiator (RFC 2409 §5.4)
      policy = policy.withAggressive(true);
    }
    Vertx vertx = Vertx.vertx();
    Ikev1InteropPeer peer = new Ikev1InteropPeer(policy);
    if ("yes".equals(a.get("ezvpn-from-config"))) {
      peer.config = easyVpnRemote(a);
    }
    vertx.deployVerticle(peer).await(20, TimeUnit.SECONDS);
    say("READY");
    Context ctx = peer.context;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String cmd = line.strip();
      ctx.runOnContext(v -> peer.command(cmd));
    }
    Promise<Void> cleared = Promise.promise();
    ctx.runOnContext(v -> {
      peer.service.clear(null, "shutdown");
      cleared.complete();
    });
    cleared.future().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  @Override
  public void start(Promise<Void> started) {
    service = new Ikev1Service(new VertxScheduler(vertx), new IkeEventSink() {
      @Override
      public void childSaInstalled(ChildSa sa) {
        say("CHILD " + RecordJson.toJson(sa).encode());
      }

      @Override
      public void childSaDeleted(SaMessages.ChildSaDeleted d) {
        say(String.format("DELETED %08x", d.inboundSpi()));
      }

      @Override
      public void childSaRebound(ChildSa sa) {}

      @Override
      public void ikeSaUp(io.ipsecmesh.proto.sa.IkeSaSummary up, String cryptoMap, int mapSequence) {
        say("UP " + up.peerId() + " " + up.ikeSaId());
      }

      @Override
      public void ikeSaDown(io.ipsecmesh.proto.sa.IkeSaSummary s, String reason) {
        say("DOWN " + reason);
      }

      @Override
      public void livenessProof(String ikeSaId, String peerAddress) {}

      @Override
      public void modeConfigReceived(String ikeSaId, String peer, String name,
          io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig mc) {
        say("MODECFG " + name + " address=" + mc.address() + " dns=" + mc.dns() + " domain=" + mc.defaultDomain()
            + " split=" + mc.splitIncludes().stream().map(n -> n.address() + "/" + n.mask()).toList()
            + " banner=" + (mc.banner() == null ? null : mc.banner().replace('\n', '|')));
      }

      @Override
      public void summaryChanged(io.ipsecmesh.proto.sa.IkeSaSummary summary) {
        say("ROW " + summary.state());
      }
    }, this::send);
    service.setPolicies(List.of(policy));
    ike = vertx.createDatagramSocket();
    natt = vertx.createDatagramSocket();
    ike.handler(p -> deliver(p.data().getBytes(), 500, p.sender().host(), p.sender().port()));
    natt.handler(p -> {
      byte[] b = p.data().getBytes();
      // RFC 3948 §2.2: IKE on 4500 follows four zero bytes; anything else is ESP or a NAT keepalive
      if (b.length > 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) {
        deliver(Arrays.copyOfRange(b, 4, b.length), 4500, p.sender().host(), p.sender().port());
      }
    });
    Future.all(ike.listen(500, policy.localAddress()), natt.listen(4500, policy.localAddress()))
        .<Void>mapEmpty().onSuccess(v -> {
          if (config != null) {
            // config.changed as ike-service gets it: connect auto brings the Easy VPN remote up at once
            service.configure(config, policy.localAddress());
          }
        }).onComplete(started);
  }

  private void deliver(byte[] message, int localPort, String peer, int peerPort) {
    if (service.handles(message)) {
      service.receive(new IkeDatagram(policy.localAddress(), localPort, peer, peerPort, message), this::send);
    }
  }

  private void send(IkeDatagram d) {
    if (d.localPort() == 4500) {
      byte[] framed = new byte[4 + d.message().length];
      System.arraycopy(d.message(), 0, framed, 4, d.message().length);
      natt.send(Buffer.buffer(framed), d.peerPort(), d.peerAddress());
    } else {
      ike.send(Buffer.buffer(d.message()), d.peerPort(), d.peerAddress());
    }
  }

  /**
   * The DPD chapter's "Easy VPN Remote with DPD Enabled Example" with this test's addresses and the stored XAUTH
   * credentials: crypto ipsec client ezvpn ezvpn-config / connect auto / group GROUP key KEY / mode client / peer
   * PEER / username U password P / xauth userid mode local; interface inside (10.91.1.1/24) and outside (LOCAL).
   */
  private static io.ipsecmesh.proto.config.GatewayConfig easyVpnRemote(Map<String, String> a) {
    var c = new io.ipsecmesh.proto.config.EzvpnClient(a.get("ezvpn"), io.ipsecmesh.proto.config.EzvpnClient.Connect.AUTO,
        a.get("local-id"), a.get("psk"), io.ipsecmesh.proto.config.EzvpnClient.Mode.CLIENT, List.of(a.get("peer")),
        a.get("xauth-user"), a.get("xauth-password"), "local");
    var itfs = List.of(
        new io.ipsecmesh.proto.config.InterfaceConfig("Ethernet0", "10.91.1.1", "255.255.255.0", null, null, null,
            new io.ipsecmesh.proto.config.EzvpnAttachment(a.get("ezvpn"), false), null),
        new io.ipsecmesh.proto.config.InterfaceConfig("FastEthernet0", a.get("local"), "255.255.255.0", null, null,
            null, new io.ipsecmesh.proto.config.EzvpnAttachment(a.get("ezvpn"), true), null));
    return io.ipsecmesh.proto.config.GatewayConfig.builder()
        .isakmpPolicies(List.of(new io.ipsecmesh.proto.config.IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14,
            86_400)))
        .transformSets(List.of(new io.ipsecmesh.proto.config.TransformSet("ts",
            EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .interfaces(itfs)
        .ezvpnClients(List.of(c))
        .build();
  }

  private void command(String cmd) {
    switch (cmd) {
      case "initiate" -> service.acquire("interop", 10, null);
      case "probe" -> service.probe(new ProbeRequest(service.ikeSaIdFor(policy.peerAddress()), policy.peerAddress(),
          0, 3000), o -> say("PROBE " + o.acknowledged()));
      default -> {
        if (cmd.startsWith("rekey ")) {
          // what the forwarder reports at the soft lifetime of the SA with this inbound SPI
          service.rekeyChild(Long.parseLong(cmd.substring(6).strip(), 16));
        } else {
          say("UNKNOWN " + cmd);
        }
      }
    }
  }

}

package io.ipsecmesh.ike.interop;

import static io.ipsecmesh.ike.interop.InteropPeerSupport.cidr;
import static io.ipsecmesh.ike.interop.InteropPeerSupport.say;

import io.ipsecmesh.ike.IkeVerticle;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Java gateway's IKE side as a separate process, so that the interop test can start it inside a
 * network namespace ({@code ip netns exec ikegwa java … InteropPeer …}): a JVM cannot move one socket
 * into another namespace, but a child process started by {@code ip netns exec} lives there entirely.
 * Runs the real {@link IkeVerticle} (own UDP 500 and 4500 sockets: no forwarder in this test) with a
 * fixed peer policy and reports on stdout, one event per line: {@code READY}, {@code UP <peer id> <IKE SA id>},
 * {@code CHILD <ChildSa JSON, keys wrapped>}, {@code DOWN <reason>}, {@code DELETED <inbound SPI>}. With {@code --initiate} it starts
 * the negotiation through {@code fwd.acquire}, as the forwarder would; the stdin line {@code rekey
 * <inbound SPI hex>} reports a soft lifetime as the forwarder would. With {@code --cert/--key/--ca}
 * (PEM; PKCS#8 key) it authenticates with certificates instead of the PSK. Stdin closing stops it.
 */
public final class InteropPeer {

  private InteropPeer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = InteropPeerSupport.options(args);
    String local = a.get("local");
    String peer = a.get("peer");
    byte[] psk = a.get("psk").getBytes(StandardCharsets.UTF_8);
    io.ipsecmesh.ike.policy.Credentials credentials = a.containsKey("cert")
        ? io.ipsecmesh.ike.policy.Credentials.fromPem(java.nio.file.Path.of(a.get("cert")),
            java.nio.file.Path.of(a.get("key")), java.nio.file.Path.of(a.get("ca"))) : null;
    // what ConfigPolicies makes of a profile with "match identity remote fqdn REMOTE-ID" and
    // "authentication remote pre-share" (or ecdsa-sig with certificates: the test CA issues P-256 keys)
    String method = credentials != null ? "ecdsa-sig" : "pre-share";
    io.ipsecmesh.proto.config.Ikev2Profile profile = new io.ipsecmesh.proto.config.Ikev2Profile("interop", List.of(),
        null, method, method, null, null, null, List.of(new io.ipsecmesh.proto.config.IdentityMatch(
            io.ipsecmesh.proto.config.IkeIdentity.Type.FQDN, a.get("remote-id"), false)), null, List.of());
    PeerPolicy policy = new PeerPolicy("interop", 10, peer, local,
        new PeerPolicy.Identity(IkeConstants.ID_FQDN, a.get("local-id")),
        io.ipsecmesh.ike.policy.ConfigPolicies.authorization(io.ipsecmesh.proto.config.GatewayConfig.empty(), profile,
            credentials, io.ipsecmesh.ike.policy.TrustStore.EMPTY), psk, psk,
        List.of(Proposals.parseSuite(a.getOrDefault("ike", "aes128gcm16-prfsha256-x25519"))),
        List.of(EspTransform.valueOf(a.getOrDefault("esp", "AES_GCM_128"))),
        a.containsKey("pfs") ? io.ipsecmesh.ike.crypto.DhGroup.byId(Integer.parseInt(a.get("pfs"))) : null,
        List.of(cidr(a.get("local-ts"))), List.of(cidr(a.get("remote-ts"))), ChildSa.Mode.TUNNEL, 64, 3600,
        4_608_000, 0, "copy", Long.parseLong(a.getOrDefault("ike-lifetime", "86400")), credentials);

    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED,
        m -> say("CHILD " + RecordJson.toJson(m.body().sa()).encode()));
    vertx.eventBus().<IkeMessages.PeerUp>consumer(IkeMessages.PEER_UP, m -> say("UP " + m.body().peerId() + " " + m.body().ikeSaId()));
    vertx.eventBus().<IkeMessages.PeerDown>consumer(IkeMessages.PEER_DOWN, m -> say("DOWN " + m.body().reason()));
    vertx.eventBus().<SaMessages.ChildSaDeleted>consumer(SaMessages.CHILD_DELETED,
        m -> say(String.format("DELETED %08x", m.body().inboundSpi())));
    JsonObject cfg = new JsonObject().put("ike-bind-address", local).put("ike-own-natt-socket", "true");
    vertx.deployVerticle(new IkeVerticle(List.of(policy)), new DeploymentOptions().setConfig(cfg))
        .await(20, TimeUnit.SECONDS);
    vertx.eventBus().publish(MgmtMessages.DEBUG, new MgmtMessages.Debug(MgmtMessages.Facility.ISAKMP, true));
    say("READY");
    if (a.containsKey("initiate")) {
      vertx.eventBus().send(FwdMessages.ACQUIRE, new FwdMessages.Acquire("interop", 10, "0.0.0.0", "0.0.0.0", 0));
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    // commands from the parent; it closes stdin (or kills us) when the scenario is over
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("rekey ")) {
        // what the forwarder reports at the soft lifetime of the SA with this inbound SPI
        long spi = Long.parseLong(line.substring(6).strip(), 16);
        vertx.eventBus().send(FwdMessages.SA_EXPIRED, new FwdMessages.SaExpired(spi, 0, "", FwdMessages.Limit.SOFT,
            FwdMessages.Measure.SECONDS));
      }
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }

}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.SignatureAuthenticator;
import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.dos.RequestDigestCache;
import io.ipsecmesh.ike.exchange.NatDetection;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The responder's IKE_SA_INIT (RFC 7296 §1.2, §2.6): retransmitted requests answered from the half-open
 * SA, DoS limits (COOKIE above the threshold, drop at the half-open maximum, half-open timeout),
 * proposal selection, INVALID_KE_PAYLOAD, keys, NAT detection. No state for refused requests.
 */
final class InitResponder {

  private final IkeEngine engine;

  InitResponder(IkeEngine engine) {
    this.engine = engine;
  }

  void onInitRequest(IkeEngine.Datagram d, IkeMessage m) {
    IkeHeader h = m.header();
    String key = d.peerAddress() + "/" + Long.toHexString(h.initiatorSpi());
    IkeSa existing = engine.table.halfOpen(key);
    byte[] digest = RequestDigestCache.digest(d.msg());
    if (existing != null) {
      // §2.1: the whole packet tells a retransmission from a new request with the same SPIi; the half-open
      // SA holds its IKE_SA_INIT answer under message ID 0, so anything else from this peer + SPIi drops
      engine.answeredFromCache(existing, d, 0, digest);
      return;
    }
    Optional<PeerPolicy> policy = engine.policies.forPeer(d.peerAddress());
    Optional<Payload.SecurityAssociation> saP = m.first(Payload.SecurityAssociation.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    Optional<Payload.Nonce> nonce = m.first(Payload.Nonce.class);
    engine.debugLog(null, "received IKE_SA_INIT request from " + d.peerAddress() + ":" + d.peerPort() + " "
        + PayloadNames.list(m.payloads()));
    if (policy.isEmpty()) {
      engine.debugLog(null, "no crypto map peer " + d.peerAddress() + ": NO_PROPOSAL_CHOSEN");
      replyError(d, h, IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]);
      return;
    }
    if (saP.isEmpty() || ke.isEmpty() || nonce.isEmpty()) {
      replyError(d, h, IkeConstants.INVALID_SYNTAX, new byte[0]);
      return;
    }
    if (engine.table.halfOpenCount() >= engine.limits.maxHalfOpen()) {
      engine.stats().halfOpenLimitHit();
      engine.debugLog(null, "half-open limit " + engine.limits.maxHalfOpen() + " reached, dropping request from " + d.peerAddress());
      return;
    }
    if (!engine.table.halfOpenPerPeer.admits(d.peerAddress())) {
      // RFC 8019 §4: one address must not take the half-open table; its pending SAs finish or time out first
      engine.stats().requestDropped(2, DosCounters.HALF_OPEN_PEER_QUOTA);
      engine.debugLog(null, "half-open quota " + engine.table.halfOpenPerPeer.perPeer() + " of " + d.peerAddress()
          + " reached, dropping its IKE_SA_INIT");
      return;
    }
    if (engine.table.halfOpenCount() >= engine.limits.cookieThreshold()) {
      byte[] received = m.notify(IkeConstants.COOKIE).map(Payload.Notify::data).orElse(null);
      if (!engine.cookies.valid(received, nonce.get().data(), d.peerAddress(), h.initiatorSpi())) {
        engine.stats().cookieDemanded();
        engine.debugLog(null, "under load (" + engine.table.halfOpenCount() + " half-open): COOKIE to " + d.peerAddress());
        replyError(d, h, IkeConstants.COOKIE, engine.cookies.cookie(nonce.get().data(), d.peerAddress(),
            h.initiatorSpi()));
        return;
      }
    }
    PeerPolicy p = policy.get();
    if ("0.0.0.0".equals(d.localAddress()) && p.localAddress() != null) {
      // socket bound to the wildcard: our address for NAT detection is the crypto map's local address
      d = new IkeEngine.Datagram(p.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.msg());
    }
    Optional<Proposals.IkeChoice> choice = Proposals.selectIke(saP.get(), p.ikeSuites());
    if (choice.isEmpty()) {
      replyError(d, h, IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]);
      return;
    }
    IkeSuite suite = choice.get().suite();
    if (ke.get().dhGroup() != suite.dh().groupId) {
      // §1.2: tell the initiator which group we want; no state kept
      byte[] group = {(byte) (suite.dh().groupId >>> 8), (byte) suite.dh().groupId};
      replyError(d, h, IkeConstants.INVALID_KE_PAYLOAD, group);
      return;
    }
    IkeSa sa = new IkeSa(false, h.initiatorSpi(), p, engine.nextConnId(), d.localAddress(), d.localPort(), d.peerAddress(),
        d.peerPort(), engine.now());
    sa.spiR = engine.newIkeSpi();
    sa.suite = suite;
    sa.ni = nonce.get().data().clone();
    sa.nr = engine.randomBytes(IkeEngine.NONCE_BYTES);
    sa.dh = suite.dh().newExchange();
    byte[] secret;
    try {
      secret = sa.dh.sharedSecret(ke.get().data());
    } catch (GeneralSecurityException e) {
      engine.debugLog(null, "invalid KE from " + d.peerAddress() + ": " + e.getMessage());
      replyError(d, h, IkeConstants.INVALID_SYNTAX, new byte[0]);
      return;
    }
    byte[] ourPublic = sa.dh.publicValue();
    engine.installKeys(sa, secret);
    // NAT traversal disabled: no NAT_DETECTION notifies either way, the peer's ignored (IkeEngine#natTraversal)
    sa.natDetected = engine.natTraversal() && engine.natDetected(m, sa.spiI, 0, d);
    sa.localBehindNat = engine.natTraversal() && engine.localBehindNat(m, sa.spiI, 0, d);
    List<Payload> resp = new ArrayList<>(List.of(
        new Payload.SecurityAssociation(List.of(suite.toProposal(choice.get().proposalNumber(), new byte[0]))),
        new Payload.KeyExchange(suite.dh().groupId, ourPublic),
        new Payload.Nonce(sa.nr.clone())));
    // §1.2: a responder that verifies certificates asks for them here (strongSwan sends its certificate only when
    // asked); the CAs of every profile this peer's crypto map entries may select by its identity
    java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
    String peerAddress = d.peerAddress();
    engine.policies.all().stream().filter(x -> x.peerAddress().equals(peerAddress) && x.remote().method().signature())
        .forEach(x -> anchors.addAll(x.remote().anchors()));
    if (!anchors.isEmpty()) {
      resp.add(new Payload.CertificateRequest(IkeConstants.CERT_X509_SIGNATURE,
          io.ipsecmesh.ike.crypto.CertificateValidator.certificateRequest(anchors)));
    }
    if (engine.natTraversal()) {
      resp.add(Payload.Notify.of(IkeConstants.NAT_DETECTION_SOURCE_IP,
          engine.natSourceHash(sa.spiI, sa.spiR, d.localAddress(), d.localPort())));
      resp.add(Payload.Notify.of(IkeConstants.NAT_DETECTION_DESTINATION_IP,
          NatDetection.hash(sa.spiI, sa.spiR, d.peerAddress(), d.peerPort())));
    }
    resp.add(Payload.Notify.of(IkeConstants.SIGNATURE_HASH_ALGORITHMS, SignatureAuthenticator.HASH_ALGORITHMS));
    byte[] bytes = IkeCodec.encode(new IkeMessage(new IkeHeader(sa.spiI, sa.spiR, 0, 2, 0,
        IkeConstants.IKE_SA_INIT, IkeConstants.FLAG_RESPONSE, 0, 0), resp));
    sa.initRequest = d.msg();
    sa.initResponse = bytes;
    sa.lastResponse = bytes;
    sa.replies.remember(0, digest, bytes);
    sa.expectedPeerRequestId = 1;
    sa.state = IkeSa.State.INIT_DONE;
    engine.table.add(sa);
    engine.table.halfOpen(key, sa);
    engine.debugLog(sa, "sending", 0, "IKE_SA_INIT response " + PayloadNames.list(resp) + " selected " + suite.name()
        + (sa.natDetected ? ", NAT detected" : ""));
    engine.send(sa, bytes);
    engine.events.summaryChanged(sa.summary("ACTIVE"));
    engine.schedule(engine.limits.halfOpenTimeoutMillis(), () -> {
      if (sa.state == IkeSa.State.INIT_DONE) {
        engine.debugLog(sa, "half-open IKE SA timed out");
        engine.teardown(sa, "half-open-timeout");
      }
    });
  }


  private void replyError(IkeEngine.Datagram d, IkeHeader req, int notifyType, byte[] data) {
    IkeHeader h = new IkeHeader(req.initiatorSpi(), 0, 0, 2, 0, IkeConstants.IKE_SA_INIT,
        IkeConstants.FLAG_RESPONSE, 0, 0);
    byte[] bytes = IkeCodec.encode(new IkeMessage(h, List.of(Payload.Notify.of(notifyType, data))));
    engine.debugLog(null, "sending IKE_SA_INIT response [ N(" + PayloadNames.notify(notifyType) + ") ] to "
        + d.peerAddress() + ":" + d.peerPort());
    engine.transport.send(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), bytes);
  }
}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.dos.RequestDigestCache;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;
import java.util.Optional;

/**
 * Admission of IKE_SA_INIT requests, before any IKE SA exists for them (RFC 7296 §2.6, RFC 8019): a
 * retransmission is answered from the half-open SA's reply cache; a request without a policy or without its
 * mandatory payloads, over the half-open limits, or without the COOKIE we ask for under load gets an error or
 * nothing, and no state. An admitted request gets an IKE SA whose task manager runs {@link IkeInitTask}'s
 * responder; it stays half-open (and times out) until IKE_AUTH.
 */
final class InitRequestGate {

  private final SaServices s;

  InitRequestGate(SaServices s) {
    this.s = s;
  }

  void onInitRequest(Datagram d, IkeMessage m) {
    IkeHeader h = m.header();
    String key = d.peerAddress() + "/" + Long.toHexString(h.initiatorSpi());
    IkeSa existing = s.table.halfOpen(key);
    if (existing != null) {
      // §2.1: the whole packet tells a retransmission from a new request with the same SPIi; the half-open
      // SA holds its IKE_SA_INIT answer under message ID 0, so anything else from this peer + SPIi drops
      existing.tasks.answeredFromCache(d, 0, RequestDigestCache.digest(d.msg()));
      return;
    }
    Optional<PeerPolicy> policy = s.policies.forPeer(d.peerAddress());
    Optional<Payload.Nonce> nonce = m.first(Payload.Nonce.class);
    s.debugLog(null, "received IKE_SA_INIT request from " + d.peerAddress() + ":" + d.peerPort() + " "
        + PayloadNames.list(m.payloads()));
    if (policy.isEmpty()) {
      s.debugLog(null, "no crypto map peer " + d.peerAddress() + ": NO_PROPOSAL_CHOSEN");
      replyError(d, h, IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]);
      return;
    }
    if (m.first(Payload.SecurityAssociation.class).isEmpty() || m.first(Payload.KeyExchange.class).isEmpty()
        || nonce.isEmpty()) {
      replyError(d, h, IkeConstants.INVALID_SYNTAX, new byte[0]);
      return;
    }
    if (s.table.halfOpenCount() >= s.limits.maxHalfOpen()) {
      s.stats().halfOpenLimitHit();
      s.debugLog(null, "half-open limit " + s.limits.maxHalfOpen() + " reached, dropping request from "
          + d.peerAddress());
      return;
    }
    if (!s.table.halfOpenPerPeer.admits(d.peerAddress())) {
      // RFC 8019 §4: one address must not take the half-open table; its pending SAs finish or time out first
      s.stats().requestDropped(2, DosCounters.HALF_OPEN_PEER_QUOTA);
      s.debugLog(null, "half-open quota " + s.table.halfOpenPerPeer.perPeer() + " of " + d.peerAddress()
          + " reached, dropping its IKE_SA_INIT");
      return;
    }
    if (s.table.halfOpenCount() >= s.limits.cookieThreshold()) {
      byte[] received = m.notify(IkeConstants.COOKIE).map(Payload.Notify::data).orElse(null);
      if (!s.cookies.valid(received, nonce.get().data(), d.peerAddress(), h.initiatorSpi())) {
        s.stats().cookieDemanded();
        s.debugLog(null, "under load (" + s.table.halfOpenCount() + " half-open): COOKIE to " + d.peerAddress());
        replyError(d, h, IkeConstants.COOKIE, s.cookies.cookie(nonce.get().data(), d.peerAddress(),
            h.initiatorSpi()));
        return;
      }
    }
    PeerPolicy p = policy.get();
    if (io.ipsecmesh.ike.exchange.Identities.unspecified(d.localAddress()) && p.localAddress() != null) {
      // socket bound to the wildcard: our address for NAT detection is the crypto map's local address
      d = new Datagram(p.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.msg());
    }
    IkeSa sa = s.newSa(false, h.initiatorSpi(), p, d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort());
    sa.tasks.receive(d, m);
    if (sa.state != IkeSa.State.INIT_DONE) {
      sa.destroy(); // refused by IkeInitTask: answered with its error, nothing kept
      return;
    }
    s.table.add(sa);
    s.table.halfOpen(key, sa);
    s.events.summaryChanged(sa.summary("ACTIVE"));
    s.schedule(s.limits.halfOpenTimeoutMillis(), () -> {
      if (sa.state == IkeSa.State.INIT_DONE) {
        s.debugLog(sa, "half-open IKE SA timed out");
        s.teardown(sa, "half-open-timeout");
      }
    });
  }

  private void replyError(Datagram d, IkeHeader req, int notifyType, byte[] data) {
    IkeHeader h = new IkeHeader(req.initiatorSpi(), 0, 0, 2, 0, IkeConstants.IKE_SA_INIT,
        IkeConstants.FLAG_RESPONSE, 0, 0);
    byte[] bytes = IkeCodec.encode(new IkeMessage(h, List.of(Payload.Notify.of(notifyType, data))));
    s.debugLog(null, "sending IKE_SA_INIT response [ N(" + PayloadNames.notify(notifyType) + ") ] to "
        + d.peerAddress() + ":" + d.peerPort());
    s.transport.send(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), bytes);
  }
}

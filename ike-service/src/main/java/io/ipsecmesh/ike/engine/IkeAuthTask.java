package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.exchange.Identities;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IKE_AUTH (RFC 7296 §1.2), both roles, after strongSwan's {@code ike_auth.c} with the first Child SA
 * ({@code child_create.c}) riding along: identities, AUTH by pre-shared key or signature
 * ({@link PeerAuthentication}), INITIAL_CONTACT (§2.4), and the Child SA's proposal and traffic selectors.
 * A certificate whose CRL is not cached yet waits for it (RFC 4945 §6), off the event loop: the initiator
 * continues when it is in, the responder answers then ({@link Status#DEFERRED}).
 */
final class IkeAuthTask implements Task {

  private final SaServices s;
  // initiator
  private List<Payload.Selector> offeredTsi;
  private List<Payload.Selector> offeredTsr;
  // responder
  private List<Payload> response = List.of();
  private boolean refused;
  private boolean initialContact;
  private ChildOffer child;

  /** The first Child SA the responder agreed to, installed once the response is out. */
  private record ChildOffer(Proposals.EspChoice choice, ChildSa.Mode mode, long inboundSpi,
      List<Payload.Selector> tsi, List<Payload.Selector> tsr) {}

  IkeAuthTask(SaServices s) {
    this.s = s;
  }

  @Override
  public Type type() {
    return Type.IKE_AUTH;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.IKE_AUTH;
  }

  @Override
  public String name() {
    return "IKE_AUTH";
  }

  // ============================================================================ initiator

  @Override
  public List<Payload> buildI(IkeSa sa) {
    PeerPolicy p = sa.policy;
    Payload.Identification idi = Identities.toPayload(true, p.localId());
    sa.firstChildSpi = s.newChildSpi();
    offeredTsi = Selectors.toWire(p.localSelectors());
    offeredTsr = Selectors.toWire(p.remoteSelectors());
    List<Payload> out = new ArrayList<>();
    out.add(idi);
    // RFC 7296 §2.4: INITIAL_CONTACT asserts this is the only IKE SA with the peer, and strongSwan deletes every
    // other one on receipt; so only when no other IKE SA with this peer is established (charon's ike_auth does the same)
    if (!s.table.hasOtherWithPeer(sa)) {
      out.add(Payload.Notify.of(IkeConstants.INITIAL_CONTACT, new byte[0]));
    }
    // no IDr: IOS does not say whom it expects; the responder's IDr is checked against the profile instead
    out.addAll(PeerAuthentication.ours(sa, idi, sa.initRequest, sa.nr, sa.keys.skPi, true, null));
    if (p.mode() == ChildSa.Mode.TRANSPORT) {
      out.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    out.add(Proposals.espOffer(p.espTransforms(), SaServices.spiBytes(sa.firstChildSpi), null));
    out.add(new Payload.TrafficSelectors(true, offeredTsi));
    out.add(new Payload.TrafficSelectors(false, offeredTsr));
    return out;
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    authenticated(sa, response.payloads());
    return Status.DONE;
  }

  private void authenticated(IkeSa sa, List<Payload> payloads) {
    IkeMessage m = new IkeMessage(null, payloads);
    if (m.notify(IkeConstants.AUTHENTICATION_FAILED).isPresent()) {
      SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: " + sa.peerAddress + " rejected our authentication "
          + "(AUTHENTICATION_FAILED)");
      s.releaseChildSpi(sa.firstChildSpi);
      s.teardown(sa, "auth-failed");
      return;
    }
    Optional<Payload.Identification> idr = m.first(Payload.Identification.class).filter(i -> !i.initiator());
    Optional<Payload.Authentication> auth = m.first(Payload.Authentication.class);
    PeerAuthentication.Refusal r = idr.isEmpty() || auth.isEmpty() ? PeerAuthentication.Refusal.IDENTITY
        : PeerAuthentication.check(sa, idr.get(), auth.get(), m.all(Payload.Certificate.class), sa.initResponse,
            sa.ni, sa.keys.skPr, s.crls(), System.currentTimeMillis());
    if (r == PeerAuthentication.Refusal.CRL_PENDING) {
      // RFC 4945 §6: the responder's certificate waits for its CRL; the fetch runs off the event loop
      sa.crlFetched = true;
      s.crls().fetch(sa.crlToFetch, () -> {
        if (sa.state != IkeSa.State.DELETED) {
          authenticated(sa, payloads);
          sa.tasks.pump();
        }
      });
      return;
    }
    if (r != PeerAuthentication.Refusal.NONE) {
      s.stats().authenticationFailed();
      logRefusal(sa, idr.map(Identities::text).orElse("no IDr"), r);
      sa.tasks.sendUnsolicited(List.of(Payload.Notify.of(IkeConstants.AUTHENTICATION_FAILED, new byte[0])));
      s.releaseChildSpi(sa.firstChildSpi);
      s.teardown(sa, "auth-failed");
      return;
    }
    sa.peerId = Identities.text(idr.get());
    s.established(sa);
    Optional<Payload.Notify> childError = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError)
        .findFirst();
    Optional<Proposals.EspChoice> choice = m.first(Payload.SecurityAssociation.class)
        .flatMap(x -> Proposals.selectEsp(x, sa.policy.espTransforms(), null));
    List<Payload.Selector> tsi = ChildCreateTask.selectors(m, true);
    List<Payload.Selector> tsr = ChildCreateTask.selectors(m, false);
    if (childError.isPresent() || choice.isEmpty() || !Selectors.within(tsi, offeredTsi)
        || !Selectors.within(tsr, offeredTsr)) {
      SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: IKE SA with " + sa.peerAddress
          + " up, but no Child SA: "
          + childError.map(n -> PayloadNames.notify(n.notifyType())).orElse("unacceptable answer"));
      s.releaseChildSpi(sa.firstChildSpi);
      return;
    }
    // IKE_AUTH's Child SA: nonces of IKE_SA_INIT, no PFS, oriented by the IKE SA's initiator
    s.installChild(sa, true, choice.get(), SaServices.answeredMode(sa.policy, m.payloads()), sa.firstChildSpi,
        tsi, tsr, null, sa.ni, sa.nr);
  }

  @Override
  public void failed(IkeSa sa) {
    s.releaseChildSpi(sa.firstChildSpi);
    s.teardown(sa, "timeout");
  }

  // ============================================================================ responder

  @Override
  public Status processR(IkeSa sa, Inbound request) {
    IkeMessage in = request.message();
    Optional<Payload.Identification> idi = in.first(Payload.Identification.class)
        .filter(Payload.Identification::initiator);
    Optional<Payload.Authentication> auth = in.first(Payload.Authentication.class);
    if (idi.isPresent()) {
      // IOS selects the profile by the peer's identity: among the crypto map entries for this address, the first
      // whose profile matches IDi and accepts the IKE SA's suite (RFC 7296 §2.15: the responder learns who the
      // initiator claims to be only now)
      Payload.Identification id = idi.get();
      if (!sa.policy.remote().accepts(id.idType(), id.data())) {
        s.policies.forIdentity(sa.peerAddress, sa.suite, id.idType(), id.data()).ifPresent(next -> sa.policy = next);
      }
    }
    PeerPolicy p = sa.policy;
    PeerAuthentication.Refusal refusal = idi.isEmpty() || auth.isEmpty() ? PeerAuthentication.Refusal.IDENTITY
        : PeerAuthentication.check(sa, idi.get(), auth.get(), in.all(Payload.Certificate.class), sa.initRequest,
            sa.nr, sa.keys.skPi, s.crls(), System.currentTimeMillis()); // certificates and CRLs live in real time
    if (refusal == PeerAuthentication.Refusal.CRL_PENDING) {
      // RFC 4945 §6: the certificate is not accepted before its revocation status is known; the fetch runs off
      // the event loop and the IKE_AUTH request is answered when it is done (its retransmissions wait)
      sa.crlFetched = true;
      s.debugLog(sa, "fetching the CRL " + sa.crlToFetch + " before answering IKE_AUTH");
      boolean[] fetching = {true};
      boolean[] fetchedAtOnce = {false};
      s.crls().fetch(sa.crlToFetch, () -> {
        if (fetching[0]) {
          fetchedAtOnce[0] = true; // reported back before fetch() returned (a cached or local CRL)
        } else if (sa.state == IkeSa.State.INIT_DONE) {
          sa.tasks.resume();
        }
      });
      fetching[0] = false;
      return fetchedAtOnce[0] ? processR(sa, request) : Status.DEFERRED;
    }
    List<Payload> ourAuth = refusal == PeerAuthentication.Refusal.NONE ? PeerAuthentication.ours(sa,
        Identities.toPayload(false, p.localId()), sa.initResponse, sa.ni, sa.keys.skPr, false, idi.get()) : List.of();
    if (refusal == PeerAuthentication.Refusal.NONE && ourAuth.isEmpty()) {
      refusal = PeerAuthentication.Refusal.NO_KEY;
    }
    if (refusal != PeerAuthentication.Refusal.NONE) {
      s.stats().authenticationFailed();
      logRefusal(sa, idi.map(Identities::text).orElse("no IDi"), refusal);
      refused = true;
      response = List.of(Payload.Notify.of(IkeConstants.AUTHENTICATION_FAILED, new byte[0]));
      return Status.DONE;
    }
    sa.peerId = Identities.text(idi.get());
    List<Payload> resp = new ArrayList<>();
    resp.add(Identities.toPayload(false, p.localId()));
    resp.addAll(ourAuth);
    Optional<Proposals.EspChoice> choice = in.first(Payload.SecurityAssociation.class)
        .flatMap(x -> Proposals.selectEsp(x, p.espTransforms(), null));
    List<Payload.Selector> tsi = Selectors.narrow(ChildCreateTask.selectors(in, true), p.remoteSelectors());
    List<Payload.Selector> tsr = Selectors.narrow(ChildCreateTask.selectors(in, false), p.localSelectors());
    if (choice.isEmpty()) {
      resp.add(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
    } else if (tsi.isEmpty() || tsr.isEmpty()) {
      resp.add(Payload.Notify.of(IkeConstants.TS_UNACCEPTABLE, new byte[0]));
    } else {
      long inSpi = s.newChildSpi();
      ChildSa.Mode mode = SaServices.answeredMode(p, request.payloads());
      if (mode == ChildSa.Mode.TRANSPORT) {
        resp.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
      }
      resp.add(Proposals.espAnswer(choice.get(), SaServices.spiBytes(inSpi), null));
      resp.add(new Payload.TrafficSelectors(true, tsi));
      resp.add(new Payload.TrafficSelectors(false, tsr));
      child = new ChildOffer(choice.get(), mode, inSpi, tsi, tsr);
    }
    initialContact = in.notify(IkeConstants.INITIAL_CONTACT).isPresent();
    response = resp;
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return response;
  }

  /** The answer is out: the SA is up (or refused and gone), stale SAs go, the Child SA is installed. */
  @Override
  public void responded(IkeSa sa) {
    if (refused) {
      s.teardown(sa, "auth-failed");
      return;
    }
    s.established(sa);
    if (initialContact) {
      // §2.4: the peer has no other SA with us any more; drop our stale ones silently
      for (IkeSa other : s.table.othersWithPeerIdentity(sa)) {
        s.teardown(other, "initial-contact");
      }
    }
    if (child != null) {
      s.installChild(sa, false, child.choice(), child.mode(), child.inboundSpi(), child.tsi(), child.tsr(), null,
          sa.ni, sa.nr);
    }
  }

  private static void logRefusal(IkeSa sa, String who, PeerAuthentication.Refusal r) {
    SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: authentication of " + sa.peerAddress + " (" + who
        + ") failed: " + r.reason + (r == PeerAuthentication.Refusal.CERTIFICATE ? ": " + sa.refusalDetail : "")
        + " (profile of crypto map " + sa.policy.cryptoMap() + " " + sa.policy.mapSequence() + ")");
  }
}

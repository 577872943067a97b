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

/** The initiator's IKE_AUTH (§1.2): identities, PSK AUTH and the first Child SA. */
final class InitiatorAuthExchange implements Exchange {

  private final IkeEngine engine;
  private List<Payload.Selector> offeredTsi;
  private List<Payload.Selector> offeredTsr;

  InitiatorAuthExchange(IkeEngine engine) {
    this.engine = engine;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.IKE_AUTH;
  }

  @Override
  public String name() {
    return "IKE_AUTH";
  }

  @Override
  public List<Payload> request(IkeSa sa) {
    PeerPolicy p = sa.policy;
    Payload.Identification idi = Identities.toPayload(true, p.localId());
    sa.firstChildSpi = engine.newChildSpi();
    offeredTsi = Selectors.toWire(p.localSelectors());
    offeredTsr = Selectors.toWire(p.remoteSelectors());
    List<Payload> out = new ArrayList<>();
    out.add(idi);
    out.add(Payload.Notify.of(IkeConstants.INITIAL_CONTACT, new byte[0]));
    // no IDr: IOS does not say whom it expects; the responder's IDr is checked against the profile instead
    out.addAll(PeerAuthentication.ours(sa, idi, sa.initRequest, sa.nr, sa.keys.skPi, true, null));
    if (p.mode() == ChildSa.Mode.TRANSPORT) {
      out.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    out.add(Proposals.espOffer(p.espTransforms(), IkeEngine.spiBytes(sa.firstChildSpi), null));
    out.add(new Payload.TrafficSelectors(true, offeredTsi));
    out.add(new Payload.TrafficSelectors(false, offeredTsr));
    return out;
  }

  @Override
  public void response(IkeSa sa, List<Payload> payloads) {
    IkeMessage m = new IkeMessage(null, payloads);
    if (m.notify(IkeConstants.AUTHENTICATION_FAILED).isPresent()) {
      IkeEngine.LOG.log(System.Logger.Level.WARNING, "IKEv2: " + sa.peerAddress + " rejected our authentication "
          + "(AUTHENTICATION_FAILED)");
      engine.releaseChildSpi(sa.firstChildSpi);
      engine.teardown(sa, "auth-failed");
      return;
    }
    Optional<Payload.Identification> idr = m.first(Payload.Identification.class).filter(i -> !i.initiator());
    Optional<Payload.Authentication> auth = m.first(Payload.Authentication.class);
    PeerAuthentication.Refusal r = idr.isEmpty() || auth.isEmpty() ? PeerAuthentication.Refusal.IDENTITY
        : PeerAuthentication.check(sa, idr.get(), auth.get(), m.all(Payload.Certificate.class), sa.initResponse,
            sa.ni, sa.keys.skPr, engine.crls(), System.currentTimeMillis());
    if (r == PeerAuthentication.Refusal.CRL_PENDING) {
      // RFC 4945 §6: the responder's certificate waits for its CRL; the fetch runs off the event loop
      sa.crlFetched = true;
      engine.crls().fetch(sa.crlToFetch, () -> {
        if (sa.state != IkeSa.State.DELETED) {
          response(sa, payloads);
        }
      });
      return;
    }
    if (r != PeerAuthentication.Refusal.NONE) {
      engine.stats().authenticationFailed();
      IkeEngine.LOG.log(System.Logger.Level.WARNING, "IKEv2: authentication of " + sa.peerAddress + " ("
          + idr.map(Identities::text).orElse("no IDr") + ") failed: " + r.reason
          + (r == PeerAuthentication.Refusal.CERTIFICATE ? ": " + sa.refusalDetail : "") + " (profile of crypto map "
          + sa.policy.cryptoMap() + " " + sa.policy.mapSequence() + ")");
      engine.sendUnsolicited(sa, List.of(Payload.Notify.of(IkeConstants.AUTHENTICATION_FAILED, new byte[0])));
      engine.releaseChildSpi(sa.firstChildSpi);
      engine.teardown(sa, "auth-failed");
      return;
    }
    sa.peerId = Identities.text(idr.get());
    engine.established(sa);
    Optional<Payload.Notify> childError = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError)
        .findFirst();
    Optional<Payload.SecurityAssociation> childSa = m.first(Payload.SecurityAssociation.class);
    List<Payload.TrafficSelectors> ts = m.all(Payload.TrafficSelectors.class);
    Optional<Proposals.EspChoice> choice = childSa.flatMap(s -> Proposals.selectEsp(s, sa.policy.espTransforms(),
        null));
    List<Payload.Selector> tsi = ts.stream().filter(Payload.TrafficSelectors::initiator).findFirst()
        .map(Payload.TrafficSelectors::selectors).orElse(List.of());
    List<Payload.Selector> tsr = ts.stream().filter(t -> !t.initiator()).findFirst()
        .map(Payload.TrafficSelectors::selectors).orElse(List.of());
    if (childError.isPresent() || choice.isEmpty() || !Selectors.within(tsi, offeredTsi)
        || !Selectors.within(tsr, offeredTsr)) {
      IkeEngine.LOG.log(System.Logger.Level.WARNING, "IKEv2: IKE SA with " + sa.peerAddress + " up, but no Child SA: "
          + childError.map(n -> PayloadNames.notify(n.notifyType())).orElse("unacceptable answer"));
      engine.releaseChildSpi(sa.firstChildSpi);
      return;
    }
    engine.installChild(sa, choice.get(), IkeEngine.answeredMode(sa.policy, m.payloads()), sa.firstChildSpi, tsi, tsr);
  }

  @Override
  public void failed(IkeSa sa) {
    engine.releaseChildSpi(sa.firstChildSpi);
    engine.teardown(sa, "timeout");
  }
}

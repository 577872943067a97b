package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The responder's CREATE_CHILD_SA: new and rekeyed Child SAs and IKE SA rekeys (RFC 7296 §1.3). */
final class CreateChildResponder {

  private final IkeEngine engine;

  CreateChildResponder(IkeEngine engine) {
    this.engine = engine;
  }

  /**
   * Responder side of CREATE_CHILD_SA (§1.3.1, §1.3.3): a new or rekeyed Child SA, with PFS when a KE
   * payload comes along. The old SA stays until the initiator deletes it (§2.8). An SA payload for
   * protocol IKE is an IKE SA rekey (§1.3.2).
   */
  List<Payload> onRequest(IkeSa sa, List<Payload> inner) {
    IkeMessage in = new IkeMessage(null, inner);
    PeerPolicy p = sa.policy;
    Optional<Payload.SecurityAssociation> saP = in.first(Payload.SecurityAssociation.class);
    Optional<Payload.Nonce> ni = in.first(Payload.Nonce.class);
    if (sa.state != IkeSa.State.ESTABLISHED || saP.isEmpty() || ni.isEmpty() || sa.rekeyedTo != null) {
      return List.of(Payload.Notify.of(IkeConstants.NO_ADDITIONAL_SAS, new byte[0]));
    }
    if (saP.get().proposals().stream().anyMatch(x -> x.protocolId() == IkeConstants.PROTO_IKE)) {
      return onIkeRekeyRequest(sa, in, saP.get(), ni.get());
    }
    Optional<Payload.Notify> rekey = in.notify(IkeConstants.REKEY_SA);
    if (rekey.isPresent()) {
      long spi = rekey.get().spi().length == 4 ? IkeCodec.getUint32(rekey.get().spi(), 0) : -1;
      if (sa.children.stream().noneMatch(c -> c.outboundSpi() == spi)) {
        return List.of(new Payload.Notify(IkeConstants.PROTO_ESP, rekey.get().spi(), IkeConstants.CHILD_SA_NOT_FOUND,
            new byte[0]));
      }
    }
    int max = engine.limits.maxChildSas();
    if (sa.children.size() >= (rekey.isPresent() ? 2 * max : max)) {
      // RFC 7296 §1.3, §3.10.1: NO_ADDITIONAL_SAS refuses more Child SAs on this IKE SA. A rekey overlaps its
      // old SA until the DELETE (§2.8), so rekeys of all of them at once still fit, and no more than that
      engine.stats().requestDropped(2, DosCounters.CHILD_SA_LIMIT);
      engine.debugLog(sa, sa.children.size() + " Child SAs (limit " + max + "): NO_ADDITIONAL_SAS");
      return List.of(Payload.Notify.of(IkeConstants.NO_ADDITIONAL_SAS, new byte[0]));
    }
    Optional<Payload.KeyExchange> ke = in.first(Payload.KeyExchange.class);
    DhGroup pfs = p.pfsGroup();
    if (pfs == null && ke.isPresent()) {
      pfs = DhGroup.byId(ke.get().dhGroup()); // the peer wants PFS: grant it with its group if we have it
      if (pfs != null && pfs.legacy() && p.espTransforms().stream().noneMatch(EspTransform::legacy)
          && p.ikeSuites().stream().noneMatch(s -> s.dh().legacy())) {
        pfs = null; // a legacy group only where the policy itself is legacy (compliance shield disabled)
      }
    }
    Optional<Proposals.EspChoice> choice = Proposals.selectEsp(saP.get(), p.espTransforms(), pfs);
    if (choice.isEmpty()) {
      return List.of(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
    }
    if (pfs != null && (ke.isEmpty() || ke.get().dhGroup() != pfs.groupId)) {
      return List.of(Payload.Notify.of(IkeConstants.INVALID_KE_PAYLOAD,
          new byte[] {(byte) (pfs.groupId >>> 8), (byte) pfs.groupId}));
    }
    List<Payload.TrafficSelectors> ts = in.all(Payload.TrafficSelectors.class);
    List<Payload.Selector> tsi = ts.stream().filter(Payload.TrafficSelectors::initiator).findFirst()
        .map(t -> Selectors.narrow(t.selectors(), p.remoteSelectors())).orElse(List.of());
    List<Payload.Selector> tsr = ts.stream().filter(t -> !t.initiator()).findFirst()
        .map(t -> Selectors.narrow(t.selectors(), p.localSelectors())).orElse(List.of());
    if (tsi.isEmpty() || tsr.isEmpty()) {
      return List.of(Payload.Notify.of(IkeConstants.TS_UNACCEPTABLE, new byte[0]));
    }
    byte[] nr = engine.randomBytes(IkeEngine.NONCE_BYTES);
    byte[] secret = null;
    List<Payload> resp = new ArrayList<>();
    long inSpi = engine.newChildSpi();
    ChildSa.Mode mode = IkeEngine.answeredMode(p, inner);
    if (mode == ChildSa.Mode.TRANSPORT) {
      resp.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    resp.add(Proposals.espAnswer(choice.get(), IkeEngine.spiBytes(inSpi), pfs));
    resp.add(new Payload.Nonce(nr.clone()));
    if (pfs != null) {
      DhGroup.Exchange dh = pfs.newExchange();
      try {
        secret = dh.sharedSecret(ke.get().data());
      } catch (GeneralSecurityException e) {
        engine.table.releaseChildSpi(inSpi);
        return List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
      }
      resp.add(new Payload.KeyExchange(pfs.groupId, dh.publicValue()));
    }
    resp.add(new Payload.TrafficSelectors(true, tsi));
    resp.add(new Payload.TrafficSelectors(false, tsr));
    ChildSa created = engine.installChild(sa, false, choice.get(), mode, inSpi, tsi, tsr, secret, ni.get().data(), nr);
    if (rekey.isPresent() && sa.outstanding != null && sa.outstanding.exchange instanceof ChildRekeyExchange ours
        && ours.old.outboundSpi() == IkeCodec.getUint32(rekey.get().spi(), 0)) {
      // §2.8.1: both sides rekey the same Child SA; decide the redundant one when ours completes
      ours.collision = new IkeEngine.Collision(ni.get().data().clone(), nr.clone(), created.inboundSpi());
    }
    return resp;
  }


  /** Responder of an IKE SA rekey (§1.3.2, §2.18): the new SA takes over the Child SAs at once. */
  private List<Payload> onIkeRekeyRequest(IkeSa old, IkeMessage in, Payload.SecurityAssociation saP,
      Payload.Nonce ni) {
    Optional<Proposals.IkeChoice> choice = Proposals.selectIke(saP, old.policy.ikeSuites());
    Optional<Payload.KeyExchange> ke = in.first(Payload.KeyExchange.class);
    if (choice.isEmpty()) {
      return List.of(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
    }
    IkeSuite suite = choice.get().suite();
    byte[] peerSpi = saP.proposals().stream().filter(x -> x.number() == choice.get().proposalNumber()).findFirst()
        .map(Payload.Proposal::spi).orElse(new byte[0]);
    if (peerSpi.length != 8) {
      return List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
    }
    if (ke.isEmpty() || ke.get().dhGroup() != suite.dh().groupId) {
      return List.of(Payload.Notify.of(IkeConstants.INVALID_KE_PAYLOAD,
          new byte[] {(byte) (suite.dh().groupId >>> 8), (byte) suite.dh().groupId}));
    }
    DhGroup.Exchange dh = suite.dh().newExchange();
    byte[] secret;
    try {
      secret = dh.sharedSecret(ke.get().data());
    } catch (GeneralSecurityException e) {
      return List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
    }
    IkeSa n = new IkeSa(false, IkeCodec.getLong(peerSpi, 0), old.policy, engine.nextConnId(), old.localAddress,
        old.localPort, old.peerAddress, old.peerPort, engine.now());
    n.spiR = engine.newIkeSpi();
    n.ni = ni.data().clone();
    n.nr = engine.randomBytes(IkeEngine.NONCE_BYTES);
    engine.takeOver(old, n, suite, secret);
    if (old.outstanding != null && old.outstanding.exchange instanceof IkeRekeyExchange ours) {
      // §2.8.2: we are rekeying this IKE SA too; which new SA survives is decided when ours completes
      ours.collision = new IkeRekeyExchange.Collision(n.ni.clone(), n.nr.clone(), n);
    }
    byte[] spiR = new byte[8];
    IkeCodec.putLong(spiR, 0, n.spiR);
    return List.of(new Payload.SecurityAssociation(List.of(suite.toProposal(choice.get().proposalNumber(), spiR))),
        new Payload.Nonce(n.nr.clone()), new Payload.KeyExchange(suite.dh().groupId, dh.publicValue()));
  }
}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Child SA by CREATE_CHILD_SA (RFC 7296 §1.3.1), both roles, after strongSwan's {@code child_create.c}:
 * proposal, nonces, a KE payload when {@code set pfs} (or when the peer asks for PFS with a group we allow),
 * traffic selectors narrowed to the crypto map's ACL. {@link ChildRekeyTask} runs one for the new SA of a
 * rekey ({@link #rekeying}). The responder also refuses what the IKE SA cannot take: NO_ADDITIONAL_SAS when
 * it is not up or holds {@code maxChildSas} Child SAs already (§1.3, §3.10.1).
 */
final class ChildCreateTask implements Task {

  private final SaServices s;
  /** Initiator of a rekey: the SA being replaced, whose selectors the new one takes (§1.3.3). */
  private final ChildSaState old;
  /** Responder of a rekey: the old SA overlaps the new one until its DELETE, so the cap is doubled. */
  private final boolean rekey;
  private long newSpi;
  private byte[] ni;
  private byte[] nr;
  private DhGroup.Exchange dh;
  private List<Payload.Selector> offeredTsi;
  private List<Payload.Selector> offeredTsr;
  private List<Payload> response = List.of();
  /** The Child SA this exchange created (either role), or null. */
  private ChildSa created;

  /** A new Child SA (initiator after an ACQUIRE, or responder). */
  ChildCreateTask(SaServices s) {
    this(s, null, false);
  }

  private ChildCreateTask(SaServices s, ChildSaState old, boolean rekey) {
    this.s = s;
    this.old = old;
    this.rekey = rekey;
  }

  /** The new SA of a Child SA rekey: initiator when {@code old} is set, else responder. */
  static ChildCreateTask rekeying(SaServices s, ChildSaState old) {
    return new ChildCreateTask(s, old, true);
  }

  @Override
  public Type type() {
    return Type.CHILD_CREATE;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.CREATE_CHILD_SA;
  }

  @Override
  public String name() {
    return "CREATE_CHILD";
  }

  ChildSa created() {
    return created;
  }

  byte[] ni() {
    return ni;
  }

  byte[] nr() {
    return nr;
  }

  /** The TSi or TSr of a message, or none. */
  static List<Payload.Selector> selectors(IkeMessage m, boolean initiator) {
    return m.all(Payload.TrafficSelectors.class).stream().filter(t -> t.initiator() == initiator).findFirst()
        .map(Payload.TrafficSelectors::selectors).orElse(List.of());
  }

  // ============================================================================ initiator

  @Override
  public List<Payload> buildI(IkeSa sa) {
    PeerPolicy p = sa.policy;
    newSpi = s.newChildSpi();
    ni = s.randomBytes(SaServices.NONCE_BYTES);
    offeredTsi = Selectors.toWire(old != null ? old.sa().localSelectors() : p.localSelectors());
    offeredTsr = Selectors.toWire(old != null ? old.sa().remoteSelectors() : p.remoteSelectors());
    List<Payload> out = new ArrayList<>();
    if (old != null) {
      out.add(new Payload.Notify(IkeConstants.PROTO_ESP, SaServices.spiBytes(old.inboundSpi()),
          IkeConstants.REKEY_SA, new byte[0]));
    }
    if (p.mode() == ChildSa.Mode.TRANSPORT) {
      out.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    out.add(Proposals.espOffer(p.espTransforms(), SaServices.spiBytes(newSpi), p.pfsGroup()));
    out.add(new Payload.Nonce(ni.clone()));
    if (p.pfsGroup() != null) {
      dh = p.pfsGroup().newExchange();
      out.add(new Payload.KeyExchange(p.pfsGroup().groupId, dh.publicValue()));
    }
    out.add(new Payload.TrafficSelectors(true, offeredTsi));
    out.add(new Payload.TrafficSelectors(false, offeredTsr));
    return out;
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    IkeMessage m = response.message();
    PeerPolicy p = sa.policy;
    Optional<Payload.Notify> error = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError)
        .findFirst();
    Optional<Proposals.EspChoice> choice = m.first(Payload.SecurityAssociation.class)
        .flatMap(x -> Proposals.selectEsp(x, p.espTransforms(), p.pfsGroup()));
    Optional<Payload.Nonce> nonce = m.first(Payload.Nonce.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    List<Payload.Selector> tsi = selectors(m, true);
    List<Payload.Selector> tsr = selectors(m, false);
    byte[] secret = null;
    boolean ok = error.isEmpty() && choice.isPresent() && nonce.isPresent() && Selectors.within(tsi, offeredTsi)
        && Selectors.within(tsr, offeredTsr);
    if (ok && dh != null) {
      try {
        ok = ke.isPresent() && ke.get().dhGroup() == dh.group().groupId;
        secret = ok ? dh.sharedSecret(ke.get().data()) : null;
      } catch (GeneralSecurityException e) {
        ok = false;
      }
    }
    if (!ok) {
      s.releaseChildSpi(newSpi);
      SaServices.LOG.log(System.Logger.Level.WARNING, String.format("IKEv2: %s with %s failed: %s",
          old == null ? name() : String.format("REKEY %08x", old.inboundSpi()), sa.peerAddress,
          error.map(n -> PayloadNames.notify(n.notifyType())).orElse("unacceptable answer")));
      return Status.DONE;
    }
    nr = nonce.get().data().clone();
    created = s.installChild(sa, true, choice.get(), SaServices.answeredMode(p, m.payloads()), newSpi, tsi, tsr,
        secret, ni, nr);
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {
    s.releaseChildSpi(newSpi);
  }

  // ============================================================================ responder

  /**
   * Responder side (§1.3.1, §1.3.3): a new or rekeyed Child SA, with PFS when a KE payload comes along. The
   * old SA of a rekey stays until the initiator deletes it (§2.8).
   */
  @Override
  public Status processR(IkeSa sa, Inbound request) {
    response = answer(sa, request);
    return Status.DONE;
  }

  private List<Payload> answer(IkeSa sa, Inbound request) {
    IkeMessage in = request.message();
    PeerPolicy p = sa.policy;
    Optional<Payload.SecurityAssociation> saP = in.first(Payload.SecurityAssociation.class);
    Optional<Payload.Nonce> nonce = in.first(Payload.Nonce.class);
    if (sa.state != IkeSa.State.ESTABLISHED || saP.isEmpty() || nonce.isEmpty() || sa.rekeyedTo != null) {
      return List.of(Payload.Notify.of(IkeConstants.NO_ADDITIONAL_SAS, new byte[0]));
    }
    int max = s.limits.maxChildSas();
    if (sa.children.size() >= (rekey ? 2 * max : max)) {
      // RFC 7296 §1.3, §3.10.1: NO_ADDITIONAL_SAS refuses more Child SAs on this IKE SA. A rekey overlaps its
      // old SA until the DELETE (§2.8), so rekeys of all of them at once still fit, and no more than that
      s.stats().requestDropped(2, DosCounters.CHILD_SA_LIMIT);
      s.debugLog(sa, sa.children.size() + " Child SAs (limit " + max + "): NO_ADDITIONAL_SAS");
      return List.of(Payload.Notify.of(IkeConstants.NO_ADDITIONAL_SAS, new byte[0]));
    }
    Optional<Payload.KeyExchange> ke = in.first(Payload.KeyExchange.class);
    DhGroup pfs = p.pfsGroup();
    if (pfs == null && ke.isPresent()) {
      pfs = DhGroup.byId(ke.get().dhGroup()); // the peer wants PFS: grant it with its group if we have it
      if (pfs != null && pfs.legacy() && p.espTransforms().stream().noneMatch(EspTransform::legacy)
          && p.ikeSuites().stream().noneMatch(x -> x.dh().legacy())) {
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
    List<Payload.Selector> tsi = Selectors.narrow(selectors(in, true), p.remoteSelectors());
    List<Payload.Selector> tsr = Selectors.narrow(selectors(in, false), p.localSelectors());
    if (tsi.isEmpty() || tsr.isEmpty()) {
      return List.of(Payload.Notify.of(IkeConstants.TS_UNACCEPTABLE, new byte[0]));
    }
    nr = s.randomBytes(SaServices.NONCE_BYTES);
    ni = nonce.get().data().clone();
    byte[] secret = null;
    List<Payload> resp = new ArrayList<>();
    long inSpi = s.newChildSpi();
    ChildSa.Mode mode = SaServices.answeredMode(p, request.payloads());
    if (mode == ChildSa.Mode.TRANSPORT) {
      resp.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    resp.add(Proposals.espAnswer(choice.get(), SaServices.spiBytes(inSpi), pfs));
    resp.add(new Payload.Nonce(nr.clone()));
    if (pfs != null) {
      DhGroup.Exchange ours = pfs.newExchange();
      try {
        secret = ours.sharedSecret(ke.get().data());
      } catch (GeneralSecurityException e) {
        s.releaseChildSpi(inSpi);
        return List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
      }
      resp.add(new Payload.KeyExchange(pfs.groupId, ours.publicValue()));
    }
    resp.add(new Payload.TrafficSelectors(true, tsi));
    resp.add(new Payload.TrafficSelectors(false, tsr));
    created = s.installChild(sa, false, choice.get(), mode, inSpi, tsi, tsr, secret, ni, nr);
    return resp;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return response;
  }
}

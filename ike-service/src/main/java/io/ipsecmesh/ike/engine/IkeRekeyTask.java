package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rekeying the IKE SA (RFC 7296 §1.3.2, §2.18), both roles, after strongSwan's {@code ike_rekey.c}:
 * CREATE_CHILD_SA with an IKE proposal carrying the new SPI, a nonce and a KE payload; the new IKE SA takes
 * over the Child SAs and the initiator deletes the old one. When both peers rekey at once, the task manager
 * hands the peer's passive task to ours ({@link #collide}); the nonces decide which new IKE SA is redundant
 * and its creator deletes it (§2.8.2, {@link RekeyCollision}).
 */
final class IkeRekeyTask implements Task {

  private final SaServices s;
  // initiator
  private long newSpiI;
  private byte[] ni;
  private DhGroup.Exchange dh;
  /** The IKE SA the peer's simultaneous rekey created here, and its nonces (copied: it may be deleted first). */
  private IkeSa collided;
  private byte[] collidedNi;
  private byte[] collidedNr;
  // responder
  private List<Payload> response = List.of();
  /** Responder: the IKE SA this passive rekey created. */
  private IkeSa created;

  IkeRekeyTask(SaServices s) {
    this.s = s;
  }

  @Override
  public Type type() {
    return Type.IKE_REKEY;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.CREATE_CHILD_SA;
  }

  @Override
  public String name() {
    return "REKEY-IKE";
  }

  // ============================================================================ initiator

  @Override
  public List<Payload> buildI(IkeSa sa) {
    newSpiI = s.newIkeSpi();
    ni = s.randomBytes(SaServices.NONCE_BYTES);
    DhGroup group = sa.suite.dh();
    dh = group.newExchange();
    byte[] spi = new byte[8];
    IkeCodec.putLong(spi, 0, newSpiI);
    List<IkeSuite> offer = new ArrayList<>();
    sa.policy.ikeSuites().stream().filter(x -> x.dh() == group).forEach(offer::add);
    return List.of(Proposals.ikeOffer(offer, spi), new Payload.Nonce(ni.clone()),
        new Payload.KeyExchange(group.groupId, dh.publicValue()));
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    IkeMessage m = response.message();
    Optional<Payload.SecurityAssociation> saP = m.first(Payload.SecurityAssociation.class);
    Optional<IkeSuite> suite = saP.flatMap(x -> Proposals.acceptedIke(x, sa.policy.ikeSuites()));
    Optional<Payload.Nonce> nr = m.first(Payload.Nonce.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    byte[] spiR = saP.map(x -> x.proposals().get(0).spi()).orElse(new byte[0]);
    byte[] secret = null;
    if (suite.isPresent() && suite.get().dh() == dh.group() && nr.isPresent() && ke.isPresent()
        && ke.get().dhGroup() == dh.group().groupId && spiR.length == 8) {
      try {
        secret = dh.sharedSecret(ke.get().data());
      } catch (GeneralSecurityException e) {
        secret = null;
      }
    }
    if (secret == null) {
      SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: IKE SA rekey with " + sa.peerAddress
          + " failed, deleting it");
      sa.tasks.enqueue(DeleteTask.ike(s, "DELETE-IKE", () -> s.teardown(sa, "lifetime")));
      return Status.DONE;
    }
    IkeSa n = s.newSa(true, newSpiI, sa.policy, sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort);
    n.spiR = IkeCodec.getLong(spiR, 0);
    n.ni = ni;
    n.nr = nr.get().data().clone();
    if (collided == null) {
      s.takeOver(sa, n, suite.get(), secret);
    } else {
      // §2.8.2: both peers rekeyed at once. The new SA of the exchange with the lowest of the four nonces is
      // redundant and deleted by that exchange's initiator; the Child SAs live on in the other one.
      s.rekeyed(sa, n, suite.get(), secret);
      if (RekeyCollision.lowestIsOurs(ni, n.nr, collidedNi, collidedNr)) {
        n.rekeyedTo = collided;
        n.tasks.queue(DeleteTask.ike(s, "DELETE-REDUNDANT-IKE", () -> s.teardown(n, "rekeyed")));
      } else {
        s.moveChildren(collided, n); // the peer deletes the SA it created
      }
    }
    sa.tasks.enqueue(DeleteTask.ike(s, "DELETE-OLD-IKE", () -> s.teardown(sa, "rekeyed")));
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {
    s.teardown(sa, "timeout");
  }

  /** §2.8.2: the peer rekeys this IKE SA too; which new SA survives is decided when our response comes. */
  @Override
  public void collide(Task passive) {
    IkeRekeyTask other = (IkeRekeyTask) passive; // same Type: the task manager matched them
    if (other.created != null) {
      collided = other.created;
      collidedNi = other.created.ni.clone();
      collidedNr = other.created.nr.clone();
    }
  }

  // ============================================================================ responder

  /** The new IKE SA takes over the Child SAs at once; the initiator deletes the old one (§2.18). */
  @Override
  public Status processR(IkeSa old, Inbound request) {
    IkeMessage in = request.message();
    Payload.SecurityAssociation saP = in.first(Payload.SecurityAssociation.class).orElseThrow();
    Payload.Nonce nonce = in.first(Payload.Nonce.class).orElseThrow();
    Optional<Proposals.IkeChoice> choice = Proposals.selectIke(saP, old.policy.ikeSuites());
    Optional<Payload.KeyExchange> ke = in.first(Payload.KeyExchange.class);
    if (choice.isEmpty()) {
      response = List.of(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
      return Status.DONE;
    }
    IkeSuite suite = choice.get().suite();
    byte[] peerSpi = saP.proposals().stream().filter(x -> x.number() == choice.get().proposalNumber()).findFirst()
        .map(Payload.Proposal::spi).orElse(new byte[0]);
    if (peerSpi.length != 8) {
      response = List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
      return Status.DONE;
    }
    if (ke.isEmpty() || ke.get().dhGroup() != suite.dh().groupId) {
      response = List.of(Payload.Notify.of(IkeConstants.INVALID_KE_PAYLOAD,
          new byte[] {(byte) (suite.dh().groupId >>> 8), (byte) suite.dh().groupId}));
      return Status.DONE;
    }
    DhGroup.Exchange ours = suite.dh().newExchange();
    byte[] secret;
    try {
      secret = ours.sharedSecret(ke.get().data());
    } catch (GeneralSecurityException e) {
      response = List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
      return Status.DONE;
    }
    IkeSa n = s.newSa(false, IkeCodec.getLong(peerSpi, 0), old.policy, old.localAddress, old.localPort,
        old.peerAddress, old.peerPort);
    n.spiR = s.newIkeSpi();
    n.ni = nonce.data().clone();
    n.nr = s.randomBytes(SaServices.NONCE_BYTES);
    s.takeOver(old, n, suite, secret);
    created = n;
    byte[] spiR = new byte[8];
    IkeCodec.putLong(spiR, 0, n.spiR);
    response = List.of(new Payload.SecurityAssociation(List.of(suite.toProposal(choice.get().proposalNumber(), spiR))),
        new Payload.Nonce(n.nr.clone()), new Payload.KeyExchange(suite.dh().groupId, ours.publicValue()));
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return response;
  }
}

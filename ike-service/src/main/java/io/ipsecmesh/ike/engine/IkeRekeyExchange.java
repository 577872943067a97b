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

/** Initiator of an IKE SA rekey (the IKE lifetime ran out): CREATE_CHILD_SA, then DELETE of the old SA. */
final class IkeRekeyExchange implements Exchange {

  /** The peer's simultaneous rekey of the same IKE SA: its nonces and the SA it created here. */
  record Collision(byte[] peerNi, byte[] ourNr, IkeSa created) {}

  private final IkeEngine engine;
  Collision collision;
  private long newSpiI;
  private byte[] ni;
  private DhGroup.Exchange dh;

  IkeRekeyExchange(IkeEngine engine) {
    this.engine = engine;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.CREATE_CHILD_SA;
  }

  @Override
  public String name() {
    return "REKEY-IKE";
  }

  @Override
  public List<Payload> request(IkeSa sa) {
    newSpiI = engine.newIkeSpi();
    ni = engine.randomBytes(IkeEngine.NONCE_BYTES);
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
  public void response(IkeSa sa, List<Payload> payloads) {
    IkeMessage m = new IkeMessage(null, payloads);
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
      IkeEngine.LOG.log(System.Logger.Level.WARNING, "IKEv2: IKE SA rekey with " + sa.peerAddress + " failed, deleting it");
      sa.queue.add(new InformationalExchange("DELETE-IKE",
          List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())), () -> engine.teardown(sa, "lifetime")));
      return;
    }
    IkeSa n = new IkeSa(true, newSpiI, sa.policy, engine.nextConnId(), sa.localAddress, sa.localPort, sa.peerAddress,
        sa.peerPort, engine.now());
    n.spiR = IkeCodec.getLong(spiR, 0);
    n.ni = ni;
    n.nr = nr.get().data().clone();
    if (collision == null) {
      engine.takeOver(sa, n, suite.get(), secret);
    } else {
      // §2.8.2: both peers rekeyed at once. The new SA of the exchange with the lowest of the four nonces is
      // redundant and deleted by that exchange's initiator; the Child SAs live on in the other one.
      engine.rekeyed(sa, n, suite.get(), secret);
      if (IkeEngine.lowestIsOurs(ni, n.nr, new IkeEngine.Collision(collision.peerNi(), collision.ourNr(), 0))) {
        n.rekeyedTo = collision.created();
        n.queue.add(new InformationalExchange("DELETE-REDUNDANT-IKE",
            List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())), () -> engine.teardown(n, "rekeyed")));
        engine.pump(n);
      } else {
        engine.moveChildren(collision.created(), n); // the peer deletes the SA it created
      }
    }
    sa.queue.add(new InformationalExchange("DELETE-OLD-IKE",
        List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())), () -> engine.teardown(sa, "rekeyed")));
  }

  @Override
  public void failed(IkeSa sa) {
    engine.teardown(sa, "timeout");
  }
}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Initiator of CREATE_CHILD_SA for a Child SA: a rekey (RFC 7296 §1.3.3) when {@code old} is set —
 * N(REKEY_SA) naming our inbound SPI of the old SA, then DELETE of the old SA; a simultaneous rekey by
 * the peer ({@link #collision}, recorded by the engine) is resolved by the nonces (§2.8.1) — or a new
 * Child SA under an existing IKE SA (§1.3.1) when {@code old} is null (ACQUIRE after the previous
 * Child SA died of idleness, lifetime or INVALID_SPI). A KE payload when {@code set pfs}.
 */
final class ChildRekeyExchange implements Exchange {

  private final IkeEngine engine;
  final ChildSaState old;
  IkeEngine.Collision collision;
  private long newSpi;
  private byte[] ni;
  private DhGroup.Exchange dh;
  private List<Payload.Selector> offeredTsi;
  private List<Payload.Selector> offeredTsr;

  ChildRekeyExchange(IkeEngine engine, ChildSaState old) {
    this.engine = engine;
    this.old = old;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.CREATE_CHILD_SA;
  }

  @Override
  public String name() {
    return old == null ? "CREATE_CHILD" : String.format("REKEY %08x", old.inboundSpi());
  }

  @Override
  public List<Payload> request(IkeSa sa) {
    PeerPolicy p = sa.policy;
    newSpi = engine.newChildSpi();
    ni = engine.randomBytes(IkeEngine.NONCE_BYTES);
    offeredTsi = Selectors.toWire(old != null ? old.sa().localSelectors() : p.localSelectors());
    offeredTsr = Selectors.toWire(old != null ? old.sa().remoteSelectors() : p.remoteSelectors());
    List<Payload> out = new ArrayList<>();
    if (old != null) {
      out.add(new Payload.Notify(IkeConstants.PROTO_ESP, IkeEngine.spiBytes(old.inboundSpi()),
          IkeConstants.REKEY_SA, new byte[0]));
    }
    if (p.mode() == ChildSa.Mode.TRANSPORT) {
      out.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
    }
    out.add(Proposals.espOffer(p.espTransforms(), IkeEngine.spiBytes(newSpi), p.pfsGroup()));
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
  public void response(IkeSa sa, List<Payload> payloads) {
    IkeMessage m = new IkeMessage(null, payloads);
    PeerPolicy p = sa.policy;
    Optional<Payload.Notify> error = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError)
        .findFirst();
    Optional<Proposals.EspChoice> choice = m.first(Payload.SecurityAssociation.class)
        .flatMap(s -> Proposals.selectEsp(s, p.espTransforms(), p.pfsGroup()));
    Optional<Payload.Nonce> nr = m.first(Payload.Nonce.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    List<Payload.TrafficSelectors> ts = m.all(Payload.TrafficSelectors.class);
    List<Payload.Selector> tsi = ts.stream().filter(Payload.TrafficSelectors::initiator).findFirst()
        .map(Payload.TrafficSelectors::selectors).orElse(List.of());
    List<Payload.Selector> tsr = ts.stream().filter(t -> !t.initiator()).findFirst()
        .map(Payload.TrafficSelectors::selectors).orElse(List.of());
    byte[] secret = null;
    boolean ok = error.isEmpty() && choice.isPresent() && nr.isPresent() && Selectors.within(tsi, offeredTsi)
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
      engine.releaseChildSpi(newSpi);
      IkeEngine.LOG.log(System.Logger.Level.WARNING, String.format("IKEv2: %s with %s failed: %s", name(),
          sa.peerAddress, error.map(n -> PayloadNames.notify(n.notifyType())).orElse("unacceptable answer")));
      return;
    }
    engine.installChild(sa, true, choice.get(), IkeEngine.answeredMode(p, payloads), newSpi, tsi, tsr, secret, ni,
        nr.get().data());
    if (collision != null && IkeEngine.lowestIsOurs(ni, nr.get().data(), collision)) {
      // the SA our exchange created holds the lowest nonce: it is redundant and ours to delete
      sa.children.stream().filter(c -> c.inboundSpi() == newSpi).findFirst().ifPresent(c -> {
        engine.removeChild(sa, c, "rekey-collision");
        sa.queue.add(new InformationalExchange("DELETE-REDUNDANT-CHILD",
            List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4, List.of(IkeEngine.spiBytes(newSpi)))), null));
      });
    }
    if (old != null && sa.children.contains(old)) {
      engine.removeChild(sa, old, "rekey");
      sa.queue.add(new InformationalExchange("DELETE-OLD-CHILD",
          List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4, List.of(IkeEngine.spiBytes(old.inboundSpi())))), null));
    }
  }

  @Override
  public void failed(IkeSa sa) {
    engine.releaseChildSpi(newSpi);
  }
}

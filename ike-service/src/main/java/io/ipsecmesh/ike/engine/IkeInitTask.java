package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.CertificateValidator;
import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.SignatureAuthenticator;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.security.GeneralSecurityException;
import java.security.cert.TrustAnchor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * IKE_SA_INIT (RFC 7296 §1.2), both roles, after strongSwan's {@code ike_init.c}: the IKE proposal, the
 * Diffie-Hellman exchange, the nonces and the keys; {@link NatDetectionTask} rides in the same messages. The
 * initiator retries with the group the responder asks for (INVALID_KE_PAYLOAD) or with its COOKIE (§2.6),
 * then queues IKE_AUTH. The responder's admission of a request (DoS limits, cookies) comes before the SA
 * exists and is {@link InitRequestGate}'s; a request it cannot accept is answered with an error notify and
 * leaves no SA.
 */
final class IkeInitTask implements Task {

  static final int MAX_INIT_RETRIES = 3;

  private final SaServices s;
  /** Initiator: the group of our KE payload (the first suite's, or the one the responder asked for). */
  private DhGroup group;
  /** Responder: the response built by {@link #processR}. */
  private List<Payload> response = List.of();

  private IkeInitTask(SaServices s, DhGroup group) {
    this.s = s;
    this.group = group;
  }

  static IkeInitTask initiator(SaServices s, DhGroup group) {
    return new IkeInitTask(s, group);
  }

  static IkeInitTask responder(SaServices s) {
    return new IkeInitTask(s, null);
  }

  @Override
  public Type type() {
    return Type.IKE_INIT;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.IKE_SA_INIT;
  }

  @Override
  public String name() {
    return "IKE_SA_INIT";
  }

  // ============================================================================ initiator

  @Override
  public List<Payload> buildI(IkeSa sa) {
    sa.dh = group.newExchange();
    if (sa.ni == null) {
      sa.ni = s.randomBytes(SaServices.NONCE_BYTES);
    }
    List<Payload> p = new ArrayList<>();
    if (sa.cookie != null) {
      p.add(Payload.Notify.of(IkeConstants.COOKIE, sa.cookie)); // §2.6: COOKIE must be the first payload
    }
    // offer every configured suite, but those whose group matches the KE payload first
    List<IkeSuite> offer = new ArrayList<>();
    sa.policy.ikeSuites().stream().filter(x -> x.dh() == group).forEach(offer::add);
    sa.policy.ikeSuites().stream().filter(x -> x.dh() != group).forEach(offer::add);
    p.add(Proposals.ikeOffer(offer, new byte[0]));
    p.add(new Payload.KeyExchange(group.groupId, sa.dh.publicValue()));
    p.add(new Payload.Nonce(sa.ni.clone()));
    p.add(Payload.Notify.of(IkeConstants.SIGNATURE_HASH_ALGORITHMS, SignatureAuthenticator.HASH_ALGORITHMS));
    if (s.fragmentation() != null) {
      p.add(Payload.Notify.of(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0])); // RFC 7383 §2.3
    }
    return p;
  }

  @Override
  public void sent(IkeSa sa, byte[] request) {
    sa.initRequest = request; // the initiator's AUTH signs it (§2.15)
  }

  @Override
  public Status processI(IkeSa sa, Inbound in) {
    if (sa.state != IkeSa.State.INIT_SENT) {
      return Status.WAIT;
    }
    IkeMessage m = in.message();
    Optional<Payload.Notify> cookie = m.notify(IkeConstants.COOKIE);
    Optional<Payload.Notify> invalidKe = m.notify(IkeConstants.INVALID_KE_PAYLOAD);
    if (cookie.isPresent() || invalidKe.isPresent()) {
      if (sa.initRetries++ >= MAX_INIT_RETRIES) {
        s.teardown(sa, "init-retries");
        return Status.DONE;
      }
      if (invalidKe.isPresent()) {
        byte[] g = invalidKe.get().data();
        DhGroup wanted = g.length == 2 ? DhGroup.byId(((g[0] & 0xff) << 8) | (g[1] & 0xff)) : null;
        if (wanted == null || sa.policy.ikeSuites().stream().noneMatch(x -> x.dh() == wanted)) {
          s.teardown(sa, "no-acceptable-group");
          return Status.DONE;
        }
        group = wanted;
      } else {
        sa.cookie = cookie.get().data().clone();
      }
      return Status.RETRY;
    }
    for (Payload.Notify n : m.all(Payload.Notify.class)) {
      if (n.isError()) {
        s.teardown(sa, PayloadNames.notify(n.notifyType()));
        return Status.DONE;
      }
    }
    Optional<Payload.SecurityAssociation> saP = m.first(Payload.SecurityAssociation.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    Optional<Payload.Nonce> nonce = m.first(Payload.Nonce.class);
    if (saP.isEmpty() || ke.isEmpty() || nonce.isEmpty() || in.header().responderSpi() == 0) {
      return Status.WAIT; // not a valid answer: keep waiting (it may be forged), retransmission continues
    }
    Optional<IkeSuite> suite = Proposals.acceptedIke(saP.get(), sa.policy.ikeSuites());
    if (suite.isEmpty() || suite.get().dh() != sa.dh.group() || ke.get().dhGroup() != sa.dh.group().groupId) {
      s.teardown(sa, "bad-proposal");
      return Status.DONE;
    }
    byte[] secret;
    try {
      secret = sa.dh.sharedSecret(ke.get().data());
    } catch (GeneralSecurityException e) {
      s.teardown(sa, "invalid-ke");
      return Status.DONE;
    }
    String provisionalId = sa.id();
    sa.spiR = in.header().responderSpi();
    s.table.reindex(sa, provisionalId);
    sa.suite = suite.get();
    sa.nr = nonce.get().data().clone();
    sa.initResponse = in.datagram().msg();
    // RFC 7383 §2.3: used only when both offered it (and we still do)
    sa.fragmentation = s.fragmentation() != null && m.notify(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
    s.installKeys(sa, secret);
    sa.state = IkeSa.State.AUTH_SENT;
    sa.tasks.queueFirst(new IkeAuthTask(s));
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {} // the task manager deletes the half-made SA ("timeout")

  // ============================================================================ responder

  /**
   * Selects the suite, does the DH and derives the keys. What cannot be accepted leaves the SA without state
   * (no SPIr, {@code sa.state} unset), answered with the error notify alone.
   */
  @Override
  public Status processR(IkeSa sa, Inbound in) {
    IkeMessage m = in.message();
    Payload.SecurityAssociation saP = m.first(Payload.SecurityAssociation.class).orElseThrow();
    Payload.KeyExchange ke = m.first(Payload.KeyExchange.class).orElseThrow();
    Payload.Nonce nonce = m.first(Payload.Nonce.class).orElseThrow();
    Optional<Proposals.IkeChoice> choice = Proposals.selectIke(saP, sa.policy.ikeSuites());
    if (choice.isEmpty()) {
      response = List.of(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
      return Status.DONE;
    }
    IkeSuite suite = choice.get().suite();
    if (ke.dhGroup() != suite.dh().groupId) {
      // §1.2: tell the initiator which group we want; no state kept
      response = List.of(Payload.Notify.of(IkeConstants.INVALID_KE_PAYLOAD,
          new byte[] {(byte) (suite.dh().groupId >>> 8), (byte) suite.dh().groupId}));
      return Status.DONE;
    }
    DhGroup.Exchange dh = suite.dh().newExchange();
    byte[] secret;
    try {
      secret = dh.sharedSecret(ke.data());
    } catch (GeneralSecurityException e) {
      s.debugLog(null, "invalid KE from " + sa.peerAddress + ": " + e.getMessage());
      response = List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0]));
      return Status.DONE;
    }
    Datagram d = in.datagram();
    sa.spiR = s.newIkeSpi();
    sa.suite = suite;
    sa.ni = nonce.data().clone();
    sa.nr = s.randomBytes(SaServices.NONCE_BYTES);
    byte[] ourPublic = dh.publicValue();
    s.installKeys(sa, secret);
    List<Payload> resp = new ArrayList<>(List.of(
        new Payload.SecurityAssociation(List.of(suite.toProposal(choice.get().proposalNumber(), new byte[0]))),
        new Payload.KeyExchange(suite.dh().groupId, ourPublic),
        new Payload.Nonce(sa.nr.clone())));
    // §1.2: a responder that verifies certificates asks for them here (strongSwan sends its certificate only when
    // asked); the CAs of every profile this peer's crypto map entries may select by its identity
    Set<TrustAnchor> anchors = new HashSet<>();
    s.policies.all().stream().filter(x -> x.peerAddress().equals(sa.peerAddress) && x.remote().method().signature())
        .forEach(x -> anchors.addAll(x.remote().anchors()));
    if (!anchors.isEmpty()) {
      resp.add(new Payload.CertificateRequest(IkeConstants.CERT_X509_SIGNATURE,
          CertificateValidator.certificateRequest(anchors)));
    }
    resp.add(Payload.Notify.of(IkeConstants.SIGNATURE_HASH_ALGORITHMS, SignatureAuthenticator.HASH_ALGORITHMS));
    if (s.fragmentation() != null && m.notify(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED).isPresent()) {
      // RFC 7383 §2.3: a responder that supports it answers the initiator's notify with its own
      resp.add(Payload.Notify.of(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]));
      sa.fragmentation = true;
    }
    sa.initRequest = d.msg();
    sa.state = IkeSa.State.INIT_DONE;
    response = resp;
    s.debugLog(sa, "selected " + suite.name());
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return response;
  }

  @Override
  public void responded(IkeSa sa) {
    if (sa.state == IkeSa.State.INIT_DONE) {
      sa.initResponse = sa.tasks.lastResponse(); // the responder's AUTH signs it (§2.15)
    }
  }
}

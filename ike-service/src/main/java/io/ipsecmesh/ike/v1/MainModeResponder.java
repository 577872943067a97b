package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatDiscovery;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Nonce;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.VendorId;
import io.ipsecmesh.proto.ikev1.PayloadChain;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Main Mode as responder (RFC 2409 §5, pre-shared key). The PSK is chosen by the peer's address before
 * its identity is known, the classic Main Mode PSK limitation; the identity is checked once decrypted.
 */
final class MainModeResponder {

  private MainModeResponder() {}

  static void onMm1(Ikev1Engine e, Ikev1Policy policy, IkeDatagram in, IsakmpHeader h, PayloadChain chain,
      byte[] digest) {
    SecurityAssociation offer = chain.first(SecurityAssociation.class);
    if (offer == null || h.messageId() != 0) {
      return;
    }
    // a socket bound to the wildcard: our address (NAT-D, the Child SAs' endpoint) is the crypto map's, as
    // for IKEv2; over 0.0.0.0 both sides would see a NAT that is not there
    String local = io.ipsecmesh.ike.exchange.Identities.unspecified(in.localAddress()) && policy.localAddress() != null ? policy.localAddress()
        : in.localAddress();
    IsakmpSa sa = new IsakmpSa(false, policy, h.initiatorCookie(), local, in.localPort(), in.peerAddress(),
        in.peerPort());
    Ikev1Proposals.Choice<Ikev1Suite> choice = Ikev1Proposals.choosePhase1(offer, policy.suites());
    sa.cookieR = e.table.newCookie();
    if (choice == null) {
      // RFC 2408 §5.4: an unprotected NO-PROPOSAL-CHOSEN; no state is kept
      IsakmpHeader nh = new IsakmpHeader(sa.cookieI, sa.cookieR, 0, MAJOR_VERSION, MINOR_VERSION, EXCH_INFORMATIONAL,
          0, 0, 0);
      e.wire.transmit(sa, IsakmpCodec.encode(nh, List.of(new Notification(DOI_IPSEC, PROTO_ISAKMP, N_NO_PROPOSAL_CHOSEN,
          new byte[0], new byte[0]))));
      return;
    }
    sa.suite = choice.selected();
    PayloadChain.Span span = chain.spans().get(chain.indexOf(SecurityAssociation.class));
    sa.saiB = Arrays.copyOfRange(in.message(), span.bodyOffset(), span.offset() + span.length());
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(choice.reply()));
    for (VendorId v : chain.all(VendorId.class)) {
      sa.peerNatT |= MessageDigest.isEqual(v.data(), NatT.VID_RFC3947) && e.natTransparency();
      sa.peerDpd |= MessageDigest.isEqual(v.data(), NatT.VID_DPD);
    }
    if (sa.peerNatT) {
      payloads.add(new VendorId(NatT.VID_RFC3947));
    }
    payloads.add(new VendorId(NatT.VID_DPD));
    e.table.register(sa);
    e.table.openedHalfOpen(sa);
    e.life.state(sa, IsakmpSa.Phase1State.MM2_SENT);
    e.wire.reply(sa, digest, IsakmpCodec.encode(MainModeInitiator.header(sa, 0), payloads));
    armNegotiationTimeout(e, sa);
  }

  /** A responder does not retransmit; a half-open SA whose initiator vanished is dropped after this. */
  static void armNegotiationTimeout(Ikev1Engine e, IsakmpSa sa) {
    e.scheduler.schedule(e.wire.policy().giveUpAfter(), () -> {
      if (!sa.established() && sa.state != IsakmpSa.Phase1State.DEAD) {
        e.life.fail(sa, "main-mode-timeout");
      }
    });
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest)
      throws IkeDecodeException {
    if (h.messageId() != 0 || h.responderCookie() != sa.cookieR) {
      return;
    }
    switch (sa.state) {
      case MM2_SENT -> {
        if (!h.encrypted()) {
          onMm3(e, sa, IsakmpCodec.decode(in.message()), digest);
        }
      }
      case MM4_SENT -> onMm5(e, sa, in, h, digest);
      default -> {
        // duplicates are answered by the engine's retransmission cache
      }
    }
  }

  private static void onMm3(Ikev1Engine e, IsakmpSa sa, PayloadChain chain, byte[] digest) {
    KeyExchange ke = chain.first(KeyExchange.class);
    Nonce ni = chain.first(Nonce.class);
    if (ke == null || ni == null || !MainModeInitiator.nonceLengthOk(ni.data())) {
      return;
    }
    sa.dh = sa.suite.group().newExchange();
    byte[] gxy = Phase1Checks.sharedSecret(e, sa, ke);
    if (gxy == null) {
      return;
    }
    sa.gxi = ke.data();
    sa.gxr = sa.dh.publicValue();
    sa.ni = ni.data();
    sa.nr = MainModeInitiator.nonce(e);
    sa.dh = null;
    sa.deriveKeys(gxy);
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(new KeyExchange(sa.gxr), new Nonce(sa.nr)));
    List<NatDiscovery> natD = chain.all(NatDiscovery.class);
    if (sa.peerNatT && !natD.isEmpty()) {
      sa.natDetected = NatT.natDetected(sa.suite.hash(), sa.cookieI, sa.cookieR, natD, sa.localAddress,
          sa.localPort, sa.peerAddress, sa.peerPort);
      payloads.addAll(NatT.payloads(sa.suite.hash(), sa.cookieI, sa.cookieR, sa.localAddress, sa.localPort,
          sa.peerAddress, sa.peerPort));
    }
    e.life.state(sa, IsakmpSa.Phase1State.MM4_SENT);
    e.wire.reply(sa, digest, IsakmpCodec.encode(MainModeInitiator.header(sa, 0), payloads));
  }

  private static void onMm5(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) {
    Protection.Opened o = Protection.open(sa, in.message(), h, sa.phase1Iv);
    if (o == null) {
      return;
    }
    int idIndex = o.chain().indexOf(Identification.class);
    Hash hash = o.chain().first(Hash.class);
    if (idIndex < 0 || hash == null) {
      return;
    }
    byte[] expected = Phase1Keys.hashI(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, o.body(idIndex));
    // RFC 2409 §5: HASH_I authenticates the initiator
    if (!Phase1Checks.peerAuthenticated(e, sa, expected, hash, o.chain().first(Identification.class))) {
      return;
    }
    // the initiator may have floated to 4500 (RFC 3947 §4) or a NAT may have remapped it: answer where it is
    sa.localPort = in.localPort();
    sa.peerPort = in.peerPort();
    sa.natDetected |= in.localPort() == NatT.NATT_PORT;
    boolean initialContact = o.chain().all(Notification.class).stream()
        .anyMatch(n -> n.notifyType() == N_INITIAL_CONTACT);
    byte[] lastIn = CbcCipher.lastBlock(in.message(), sa.keys.block());
    Identification idir = Identities.toPayload(sa.policy.localId());
    byte[] hashR = Phase1Keys.hashR(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, IsakmpCodec.encodeBody(idir));
    byte[] mm6 = Protection.seal(sa, EXCH_IDENTITY_PROTECTION, 0, lastIn, List.of(idir, new Hash(hashR)));
    sa.phase1Iv = CbcCipher.lastBlock(mm6, sa.keys.block());
    e.wire.reply(sa, digest, mm6);
    if (initialContact) {
      e.life.initialContact(sa);
    }
    e.life.established(sa);
    e.life.liveness(sa);
  }
}

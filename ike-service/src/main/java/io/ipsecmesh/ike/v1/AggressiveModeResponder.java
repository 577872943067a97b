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
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Aggressive Mode as responder (RFC 2409 §5.4, pre-shared key), which IOS accepts unless {@code crypto
 * isakmp aggressive-mode disable}. The key is the one for the peer's address, as in Main Mode; the
 * initiator's ID arrives in the clear in AM1 and is checked against the crypto map's accepted identities
 * ({@code set isakmp-profile}'s {@code match identity}, else an address ID) before any state is kept, then
 * authenticated by HASH_I in AM3. AM3 is accepted in the clear (RFC 2409, strongSwan) or encrypted (IOS).
 */
final class AggressiveModeResponder {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private AggressiveModeResponder() {}

  static void onAm1(Ikev1Engine e, Ikev1Policy policy, IkeDatagram in, IsakmpHeader h, PayloadChain chain,
      byte[] digest) {
    SecurityAssociation offer = chain.first(SecurityAssociation.class);
    KeyExchange ke = chain.first(KeyExchange.class);
    Nonce ni = chain.first(Nonce.class);
    int idIndex = chain.indexOf(Identification.class);
    if (offer == null || ke == null || ni == null || idIndex < 0 || h.messageId() != 0
        || !MainModeInitiator.nonceLengthOk(ni.data())) {
      return;
    }
    Identification idii = chain.first(Identification.class);
    if (!PeerIdCheck.accepted(policy, in.peerAddress(), idii, " in Aggressive Mode")) {
      return;
    }
    String local = io.ipsecmesh.ike.exchange.Identities.unspecified(in.localAddress()) && policy.localAddress() != null ? policy.localAddress()
        : in.localAddress();
    IsakmpSa sa = new IsakmpSa(false, policy, h.initiatorCookie(), local, in.localPort(), in.peerAddress(),
        in.peerPort());
    sa.aggressive = true;
    sa.cookieR = e.table.newCookie();
    Ikev1Proposals.Choice<Ikev1Suite> choice = Ikev1Proposals.choosePhase1(offer, policy.suites());
    if (choice == null) {
      // RFC 2408 §5.4: an unprotected NO-PROPOSAL-CHOSEN; no state is kept
      IsakmpHeader nh = new IsakmpHeader(sa.cookieI, sa.cookieR, 0, MAJOR_VERSION, MINOR_VERSION, EXCH_INFORMATIONAL,
          0, 0, 0);
      e.wire.transmit(sa, IsakmpCodec.encode(nh, List.of(new Notification(DOI_IPSEC, PROTO_ISAKMP,
          N_NO_PROPOSAL_CHOSEN, new byte[0], new byte[0]))));
      return;
    }
    sa.suite = choice.selected();
    var dh = sa.suite.group().newExchange();
    byte[] gxy;
    try {
      // the KE must be of the group of the transform we chose (RFC 2409 §5.4)
      gxy = dh.sharedSecret(ke.data());
    } catch (GeneralSecurityException ex) {
      LOG.fine(() -> "ISAKMP: Aggressive Mode KE from " + in.peerAddress() + " does not fit the chosen group");
      return;
    }
    PayloadChain.Span saSpan = chain.spans().get(chain.indexOf(SecurityAssociation.class));
    sa.saiB = Arrays.copyOfRange(in.message(), saSpan.bodyOffset(), saSpan.offset() + saSpan.length());
    PayloadChain.Span idSpan = chain.spans().get(idIndex);
    sa.idiiB = Arrays.copyOfRange(in.message(), idSpan.bodyOffset(), idSpan.offset() + idSpan.length());
    sa.claimedPeerId = Identities.text(idii);
    sa.gxi = ke.data();
    sa.gxr = dh.publicValue();
    sa.ni = ni.data();
    sa.nr = MainModeInitiator.nonce(e);
    sa.deriveKeys(gxy);
    for (VendorId v : chain.all(VendorId.class)) {
      sa.peerNatT |= MessageDigest.isEqual(v.data(), NatT.VID_RFC3947) && e.natTransparency();
      sa.peerDpd |= MessageDigest.isEqual(v.data(), NatT.VID_DPD);
    }
    Identification idir = Identities.toPayload(policy.localId());
    byte[] hashR = Phase1Keys.hashR(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, IsakmpCodec.encodeBody(idir));
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(choice.reply(), new KeyExchange(sa.gxr),
        new Nonce(sa.nr), idir, new Hash(hashR)));
    if (sa.peerNatT) {
      payloads.add(new VendorId(NatT.VID_RFC3947));
      // RFC 3947 §3.2: the responder's NAT-D payloads go in the second message
      payloads.addAll(NatT.payloads(sa.suite.hash(), sa.cookieI, sa.cookieR, sa.localAddress, sa.localPort,
          sa.peerAddress, sa.peerPort));
    }
    payloads.add(new VendorId(NatT.VID_DPD));
    e.table.register(sa);
    e.table.openedHalfOpen(sa);
    e.life.state(sa, IsakmpSa.Phase1State.AM2_SENT);
    e.wire.reply(sa, digest, IsakmpCodec.encode(AggressiveModeInitiator.header(sa), payloads));
    MainModeResponder.armNegotiationTimeout(e, sa);
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h) throws IkeDecodeException {
    if (h.messageId() != 0 || h.responderCookie() != sa.cookieR || sa.state != IsakmpSa.Phase1State.AM2_SENT) {
      return;
    }
    PayloadChain chain;
    byte[] nextIv = sa.phase1Iv;
    if (h.encrypted()) {
      Protection.Opened o = Protection.open(sa, in.message(), h, sa.phase1Iv);
      if (o == null) {
        return;
      }
      chain = o.chain();
      nextIv = CbcCipher.lastBlock(in.message(), sa.keys.block());
    } else {
      chain = IsakmpCodec.decode(in.message());
    }
    Hash hash = chain.first(Hash.class);
    if (hash == null) {
      return;
    }
    byte[] expected = Phase1Keys.hashI(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, sa.idiiB);
    // RFC 2409 §5: HASH_I authenticates the initiator (its identity was checked on AM1)
    if (!Phase1Checks.hashMatches(e, sa, expected, hash)) {
      return;
    }
    sa.peerId = sa.claimedPeerId;
    sa.phase1Iv = nextIv;
    List<NatDiscovery> natD = chain.all(NatDiscovery.class);
    if (sa.peerNatT && !natD.isEmpty()) {
      sa.natDetected = NatT.natDetected(sa.suite.hash(), sa.cookieI, sa.cookieR, natD, sa.localAddress,
          sa.localPort, sa.peerAddress, sa.peerPort);
    }
    // the initiator may have floated to 4500 (RFC 3947 §4) or a NAT may have remapped it: answer where it is
    sa.localPort = in.localPort();
    sa.peerPort = in.peerPort();
    sa.natDetected |= in.localPort() == NatT.NATT_PORT;
    // INITIAL-CONTACT only when protected: in a clear AM3 nothing but the HASH is authenticated
    boolean initialContact = h.encrypted() && chain.all(Notification.class).stream()
        .anyMatch(n -> n.notifyType() == N_INITIAL_CONTACT);
    if (initialContact) {
      e.life.initialContact(sa);
    }
    e.life.established(sa);
    e.life.liveness(sa);
  }
}

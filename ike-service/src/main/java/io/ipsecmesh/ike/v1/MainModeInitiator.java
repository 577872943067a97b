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
import java.util.List;

/**
 * Main Mode as initiator (RFC 2409 §5, pre-shared key):
 * <pre>
 *  HDR, SA                      →
 *                               ←  HDR, SA
 *  HDR, KE, Ni [, NAT-D, NAT-D] →
 *                               ←  HDR, KE, Nr [, NAT-D, NAT-D]
 *  HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)]  → (on 4500 when NAT-T was agreed, RFC 3947 §4)
 *                               ←  HDR*, IDir, HASH_R
 * </pre>
 */
final class MainModeInitiator {

  private MainModeInitiator() {}

  static IsakmpSa start(Ikev1Engine e, Ikev1Policy policy, boolean quickModeWanted) {
    IsakmpSa sa = new IsakmpSa(true, policy, e.table.newCookie(), policy.localAddress(), 500, policy.peerAddress(), 500);
    sa.quickModeWanted = quickModeWanted;
    e.debug.log(IsakmpDebug.beginningMainMode(sa));
    SecurityAssociation offer = Ikev1Proposals.phase1Offer(policy.suites());
    sa.saiB = IsakmpCodec.encodeBody(offer);
    // no NAT-T vendor ID when NAT traversal is disabled: the peer then sends no NAT-D either
    List<IsakmpPayload> payloads = e.natTransparency()
        ? List.of(offer, new VendorId(NatT.VID_RFC3947), new VendorId(NatT.VID_DPD))
        : List.of(offer, new VendorId(NatT.VID_DPD));
    IsakmpHeader h = new IsakmpHeader(sa.cookieI, 0, 0, MAJOR_VERSION, MINOR_VERSION, EXCH_IDENTITY_PROTECTION, 0, 0, 0);
    e.table.register(sa);
    e.life.state(sa, IsakmpSa.Phase1State.MM1_SENT);
    e.wire.request(sa, IsakmpCodec.encode(h, payloads));
    return sa;
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h) throws IkeDecodeException {
    if (h.messageId() != 0) {
      return;
    }
    switch (sa.state) {
      case MM1_SENT -> onMm2(e, sa, h, IsakmpCodec.decode(in.message()));
      case MM3_SENT -> {
        if (h.encrypted()) {
          return;
        }
        onMm4(e, sa, IsakmpCodec.decode(in.message()));
      }
      case MM5_SENT -> onMm6(e, sa, in, h);
      default -> {
        // a late duplicate of a message we already processed
      }
    }
  }

  private static void onMm2(Ikev1Engine e, IsakmpSa sa, IsakmpHeader h, PayloadChain chain) {
    Notification error = chain.first(Notification.class);
    SecurityAssociation reply = chain.first(SecurityAssociation.class);
    if (reply == null) {
      if (error != null) {
        e.life.fail(sa, notifyName(error.notifyType()));
      }
      return;
    }
    if (h.responderCookie() == 0 || reply.proposals().size() != 1
        || reply.proposals().getFirst().transforms().size() != 1) {
      e.life.fail(sa, "malformed-sa-reply");
      return;
    }
    Ikev1Suite chosen = Ikev1Proposals.phase1Suite(reply.proposals().getFirst().transforms().getFirst());
    Ikev1Suite agreed = chosen == null ? null : Ikev1Proposals.agreedWithChoice(sa.policy.suites(), chosen);
    if (agreed == null) {
      // RFC 2409 §5: the responder must pick one of the offered transforms
      e.life.fail(sa, "no-proposal-chosen");
      return;
    }
    sa.suite = agreed;
    sa.cookieR = h.responderCookie();
    for (VendorId v : chain.all(VendorId.class)) {
      sa.peerNatT |= MessageDigest.isEqual(v.data(), NatT.VID_RFC3947);
      sa.peerDpd |= MessageDigest.isEqual(v.data(), NatT.VID_DPD);
    }
    sa.dh = sa.suite.group().newExchange();
    sa.gxi = sa.dh.publicValue();
    sa.ni = nonce(e);
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(new KeyExchange(sa.gxi), new Nonce(sa.ni)));
    if (sa.peerNatT) {
      payloads.addAll(NatT.payloads(sa.suite.hash(), sa.cookieI, sa.cookieR, sa.localAddress, sa.localPort,
          sa.peerAddress, sa.peerPort));
    }
    e.life.state(sa, IsakmpSa.Phase1State.MM3_SENT);
    e.wire.request(sa, IsakmpCodec.encode(header(sa, 0), payloads));
  }

  private static void onMm4(Ikev1Engine e, IsakmpSa sa, PayloadChain chain) {
    KeyExchange ke = chain.first(KeyExchange.class);
    Nonce nr = chain.first(Nonce.class);
    if (ke == null || nr == null || !nonceLengthOk(nr.data())) {
      e.life.fail(sa, "malformed-ke-reply");
      return;
    }
    byte[] gxy = Phase1Checks.sharedSecret(e, sa, ke);
    if (gxy == null) {
      return;
    }
    sa.gxr = ke.data();
    sa.nr = nr.data();
    sa.dh = null;
    sa.deriveKeys(gxy);
    List<NatDiscovery> natD = chain.all(NatDiscovery.class);
    if (sa.peerNatT && !natD.isEmpty()) {
      sa.natDetected = NatT.natDetected(sa.suite.hash(), sa.cookieI, sa.cookieR, natD, sa.localAddress,
          sa.localPort, sa.peerAddress, sa.peerPort);
      if (sa.natDetected) {
        // RFC 3947 §4: with a NAT in between the initiator moves to port 4500 from the ID message on
        sa.localPort = NatT.NATT_PORT;
        sa.peerPort = NatT.NATT_PORT;
      }
    }
    Identification idii = Identities.toPayload(sa.policy.localId());
    byte[] hashI = Phase1Keys.hashI(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, IsakmpCodec.encodeBody(idii));
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(idii, new Hash(hashI)));
    if (e.table.freshWith(sa)) {
      // RFC 2407 §4.6.3.3: we hold nothing with this peer, so whatever it holds with us is stale; never
      // when re-authenticating, or the peer would drop the Child SAs the new SA is about to adopt
      payloads.add(new Notification(DOI_IPSEC, PROTO_ISAKMP, N_INITIAL_CONTACT, cookies(sa), new byte[0]));
    }
    byte[] mm5 = Protection.seal(sa, EXCH_IDENTITY_PROTECTION, 0, sa.phase1Iv, payloads);
    sa.phase1Iv = CbcCipher.lastBlock(mm5, sa.keys.block());
    e.life.state(sa, IsakmpSa.Phase1State.MM5_SENT);
    e.wire.request(sa, mm5);
  }

  private static void onMm6(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h) {
    Protection.Opened o = Protection.open(sa, in.message(), h, sa.phase1Iv);
    if (o == null) {
      return;
    }
    int idIndex = o.chain().indexOf(Identification.class);
    Hash hash = o.chain().first(Hash.class);
    if (idIndex < 0 || hash == null) {
      return;
    }
    byte[] idirB = o.body(idIndex);
    byte[] expected = Phase1Keys.hashR(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, idirB);
    // RFC 2409 §5: HASH_R authenticates the responder
    if (!Phase1Checks.peerAuthenticated(e, sa, expected, hash, o.chain().first(Identification.class))) {
      return;
    }
    sa.phase1Iv = CbcCipher.lastBlock(in.message(), sa.keys.block());
    sa.peerPort = in.peerPort();
    e.life.established(sa);
    e.life.liveness(sa);
    if (sa.quickModeWanted) {
      sa.quickModeWanted = false;
      QuickModeExchange.start(e, sa, 0);
    }
  }

  static IsakmpHeader header(IsakmpSa sa, int flags) {
    return new IsakmpHeader(sa.cookieI, sa.cookieR, 0, MAJOR_VERSION, MINOR_VERSION, EXCH_IDENTITY_PROTECTION, flags,
        0, 0);
  }

  static byte[] cookies(IsakmpSa sa) {
    byte[] b = new byte[16];
    IsakmpCodec.putLong(b, 0, sa.cookieI);
    IsakmpCodec.putLong(b, 8, sa.cookieR);
    return b;
  }

  /** RFC 2409 §5: nonces of 8 to 256 bytes. */
  static boolean nonceLengthOk(byte[] n) {
    return n.length >= 8 && n.length <= 256;
  }

  static byte[] nonce(Ikev1Engine e) {
    byte[] n = new byte[32];
    e.random.nextBytes(n);
    return n;
  }

  static String notifyName(int type) {
    return switch (type) {
      case N_NO_PROPOSAL_CHOSEN -> "no-proposal-chosen";
      case N_AUTHENTICATION_FAILED -> "auth-failed";
      case N_INVALID_ID_INFORMATION -> "invalid-id-information";
      case N_INVALID_HASH_INFORMATION -> "invalid-hash-information";
      case N_PAYLOAD_MALFORMED -> "payload-malformed";
      default -> "notify-" + type;
    };
  }
}

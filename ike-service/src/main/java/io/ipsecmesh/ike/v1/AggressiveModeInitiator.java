package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.ike.crypto.DhGroup;
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
import java.util.logging.Logger;

/**
 * Aggressive Mode as initiator (RFC 2409 §5.4, pre-shared key):
 * <pre>
 *  HDR, SA, KE, Ni, IDii                →
 *                                       ←  HDR, SA, KE, Nr, IDir, HASH_R [, NAT-D, NAT-D]
 *  HDR, HASH_I [, NAT-D, NAT-D]         →  (on 4500 when a NAT was detected, RFC 3947 §4)
 * </pre>
 * Three messages instead of six, at a price the RFC states: the identities travel in the clear and the KE
 * goes out before a proposal is agreed, so every transform offered must use the one DH group of the KE.
 * IOS uses it as initiator for a peer configured with {@code set aggressive-mode client-endpoint} and for
 * an Easy VPN remote. HASH_I, HASH_R and the keys are Main Mode's ({@link Phase1Keys}).
 */
final class AggressiveModeInitiator {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private AggressiveModeInitiator() {}

  static IsakmpSa start(Ikev1Engine e, Ikev1Policy policy, boolean quickModeWanted) {
    IsakmpSa sa = new IsakmpSa(true, policy, e.table.newCookie(), policy.localAddress(), 500, policy.peerAddress(),
        500);
    sa.aggressive = true;
    sa.quickModeWanted = quickModeWanted;
    e.debug.log(IsakmpDebug.beginningAggressiveMode(sa));
    // RFC 2409 §5.4: the KE is in the first message, so only the suites of its group can be offered
    DhGroup group = policy.suites().getFirst().group();
    List<Ikev1Suite> offered = policy.suites().stream().filter(s -> s.group() == group).toList();
    SecurityAssociation offer = Ikev1Proposals.phase1Offer(offered, authMethod(policy));
    sa.saiB = IsakmpCodec.encodeBody(offer);
    sa.dh = group.newExchange();
    sa.gxi = sa.dh.publicValue();
    sa.ni = MainModeInitiator.nonce(e);
    Identification idii = Identities.toPayload(policy.localId());
    sa.idiiB = IsakmpCodec.encodeBody(idii);
    List<IsakmpPayload> payloads = new ArrayList<>(List.of(offer, new KeyExchange(sa.gxi), new Nonce(sa.ni), idii));
    if (e.natTransparency()) {
      payloads.add(new VendorId(NatT.VID_RFC3947));
    }
    payloads.add(new VendorId(NatT.VID_DPD));
    if (policy.xauth() != null) {
      // draft-ietf-ipsec-isakmp-xauth §3 and Cisco Unity: an Easy VPN server looks for both
      payloads.add(new VendorId(VendorIds.XAUTH));
      payloads.add(new VendorId(VendorIds.CISCO_UNITY));
    }
    e.table.register(sa);
    e.life.state(sa, IsakmpSa.Phase1State.AM1_SENT);
    e.wire.request(sa, IsakmpCodec.encode(header(sa), payloads));
    return sa;
  }

  /** XAUTHInitPreShared (draft-ietf-ipsec-isakmp-xauth §5.1) when we are an XAUTH client, else pre-shared key. */
  static int authMethod(Ikev1Policy policy) {
    return policy.xauth() != null ? P1_AUTH_XAUTH_INIT_PSK : P1_AUTH_PRE_SHARED_KEY;
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h) throws IkeDecodeException {
    if (h.messageId() != 0) {
      return;
    }
    if (sa.state == IsakmpSa.Phase1State.AM1_SENT && !h.encrypted()) {
      onAm2(e, sa, in, h, IsakmpCodec.decode(in.message()));
    } else if (sa.established() && sa.am3 != null) {
      // the responder repeats AM2: our AM3 was lost (RFC 2408 §5: the last message is the initiator's)
      e.wire.transmit(sa, sa.am3);
    }
  }

  private static void onAm2(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, PayloadChain chain) {
    Notification error = chain.first(Notification.class);
    SecurityAssociation reply = chain.first(SecurityAssociation.class);
    if (reply == null) {
      if (error != null) {
        e.life.fail(sa, MainModeInitiator.notifyName(error.notifyType()));
      }
      return;
    }
    KeyExchange ke = chain.first(KeyExchange.class);
    Nonce nr = chain.first(Nonce.class);
    int idIndex = chain.indexOf(Identification.class);
    Hash hashR = chain.first(Hash.class);
    if (h.responderCookie() == 0 || reply.proposals().size() != 1
        || reply.proposals().getFirst().transforms().size() != 1 || ke == null || nr == null || idIndex < 0
        || hashR == null || !MainModeInitiator.nonceLengthOk(nr.data())) {
      e.life.fail(sa, "malformed-aggressive-reply");
      return;
    }
    Ikev1Suite chosen = Ikev1Proposals.phase1Suite(reply.proposals().getFirst().transforms().getFirst(),
        authMethod(sa.policy));
    // AM1 carried the KE of one group: only the suites of that group were offered
    DhGroup group = sa.policy.suites().getFirst().group();
    Ikev1Suite agreed = chosen == null ? null : Ikev1Proposals.agreedWithChoice(
        sa.policy.suites().stream().filter(s -> s.group() == group).toList(), chosen);
    if (agreed == null) {
      e.life.fail(sa, "no-proposal-chosen");
      return;
    }
    sa.suite = agreed;
    byte[] gxy = Phase1Checks.sharedSecret(e, sa, ke);
    if (gxy == null) {
      return;
    }
    sa.cookieR = h.responderCookie();
    for (VendorId v : chain.all(VendorId.class)) {
      sa.peerNatT |= MessageDigest.isEqual(v.data(), NatT.VID_RFC3947) && e.natTransparency();
      sa.peerDpd |= MessageDigest.isEqual(v.data(), NatT.VID_DPD);
    }
    sa.gxr = ke.data();
    sa.nr = nr.data();
    sa.dh = null;
    sa.deriveKeys(gxy);
    PayloadChain.Span span = chain.spans().get(idIndex);
    byte[] idirB = Arrays.copyOfRange(in.message(), span.bodyOffset(), span.offset() + span.length());
    byte[] expected = Phase1Keys.hashR(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, idirB);
    // RFC 2409 §5: HASH_R authenticates the responder
    if (!Phase1Checks.peerAuthenticated(e, sa, expected, hashR, chain.first(Identification.class))) {
      return;
    }
    List<IsakmpPayload> payloads = new ArrayList<>();
    byte[] hashI = Phase1Keys.hashI(sa.suite.hash(), sa.keys.skeyid(), sa.gxi, sa.gxr, sa.cookieI, sa.cookieR,
        sa.saiB, sa.idiiB);
    payloads.add(new Hash(hashI));
    List<NatDiscovery> natD = chain.all(NatDiscovery.class);
    if (sa.peerNatT && !natD.isEmpty()) {
      // RFC 3947 §3.2: in Aggressive Mode the NAT-D payloads are in the second and third messages
      sa.natDetected = NatT.natDetected(sa.suite.hash(), sa.cookieI, sa.cookieR, natD, sa.localAddress,
          sa.localPort, sa.peerAddress, sa.peerPort);
      payloads.addAll(NatT.payloads(sa.suite.hash(), sa.cookieI, sa.cookieR, sa.localAddress, sa.localPort,
          sa.peerAddress, sa.peerPort));
      if (sa.natDetected) {
        // RFC 3947 §4: with a NAT in between the initiator moves to port 4500 from the next message on
        sa.localPort = NatT.NATT_PORT;
        sa.peerPort = NatT.NATT_PORT;
      }
    }
    // RFC 2409 §5.4 sends AM3 in the clear (strongSwan does); its HASH_I authenticates the exchange. The
    // phase-1 CBC state stays the initial IV, from which the Quick Mode and informational IVs follow.
    sa.am3 = IsakmpCodec.encode(header(sa), payloads);
    e.wire.answered(sa);
    e.wire.transmit(sa, sa.am3);
    if (sa.policy.xauth() != null) {
      // an Easy VPN remote: the server's XAUTH comes next (show crypto isakmp sa: CONF_XAUTH); a server that
      // never asks, or never configures us, must not leave the SA waiting forever
      sa.clientState = IsakmpSa.ClientState.XAUTH_WAIT;
      e.scheduler.schedule(e.wire.policy().giveUpAfter(), () -> {
        if (sa.state != IsakmpSa.Phase1State.DEAD && sa.clientState != IsakmpSa.ClientState.CONFIGURED) {
          e.life.deleteSa(sa, sa.clientState == IsakmpSa.ClientState.MODE_CONFIG_SENT ? "mode-config-timeout"
              : "xauth-timeout", true);
        }
      });
    }
    e.life.established(sa);
    e.life.liveness(sa);
    e.afterPhase1(sa);
  }

  static IsakmpHeader header(IsakmpSa sa) {
    return new IsakmpHeader(sa.cookieI, sa.cookieR, 0, MAJOR_VERSION, MINOR_VERSION, EXCH_AGGRESSIVE, 0, 0, 0);
  }
}

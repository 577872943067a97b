package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.esp.EspHeader;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.IsakmpPayload;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Nonce;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.ike.crypto.DhGroup;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Quick Mode (RFC 2409 §5.5), both roles, with PFS when {@code set pfs} asks for it:
 * <pre>
 *  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] →
 *                                       ← HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
 *  HDR*, HASH(3)                        →
 * </pre>
 * HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDs]), HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] [| IDs]),
 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). The first IV is hash(last phase-1 block | M-ID), then
 * CBC chaining within the exchange.
 */
final class QuickModeExchange {

  private static final Logger LOG = Logger.getLogger(QuickModeExchange.class.getName());

  private QuickModeExchange() {}

  static void start(Ikev1Engine e, IsakmpSa sa, long replaces) {
    start(e, sa, replaces, null);
  }

  /**
   * An Easy VPN network-plus remote's second Quick Mode, once its inside network's IPsec SA is up: the assigned
   * address to the split include (Cisco Easy VPN Remote, "Network Extension Plus Mode": "an IPsec SA is created
   * for the loopback address"). Nothing when it is already protected or being negotiated.
   */
  static void startNetworkPlusAddress(Ikev1Engine e, IsakmpSa sa) {
    if (sa.modeConfig == null || sa.modeConfig.address() == null || !sa.initiator) {
      return;
    }
    TrafficSelector address = ModeConfigClient.localSelector(sa.modeConfig);
    boolean covered = sa.children.stream().anyMatch(c -> c.localSelectors().equals(List.of(address)))
        || sa.quickModes.values().stream().anyMatch(q -> address.equals(q.local));
    if (!covered) {
      start(e, sa, 0, address);
    }
  }

  private static void start(Ikev1Engine e, IsakmpSa sa, long replaces, TrafficSelector localOverride) {
    long mid = e.table.newMessageId(sa);
    IsakmpSa.QuickMode qm = new IsakmpSa.QuickMode(true, mid);
    qm.replaces = replaces;
    e.debug.log(IsakmpDebug.beginningQuickMode(sa, mid));
    qm.ourSpi = newSpi(e, sa);
    qm.ni = MainModeInitiator.nonce(e);
    // an Easy VPN remote protects its assigned address (client mode) or its inside network (network-extension
    // mode) to the split-include network (Mode Config)
    qm.local = localOverride != null ? localOverride : sa.modeConfig != null && !sa.policy.xauth().networkExtension()
        ? ModeConfigClient.localSelector(sa.modeConfig) : sa.policy.localSelectors().getFirst();
    qm.remote = sa.modeConfig != null ? ModeConfigClient.remoteSelector(sa.modeConfig)
        : sa.policy.remoteSelectors().getFirst();
    // a rekey proposes what the SA it replaces carries: the peer may have proposed narrower IDs than the policy's
    // first line, and a dynamic crypto map's policy may be "any" (the spoke's IDs were taken as proposed)
    for (ChildSa c : sa.children) {
      if (replaces != 0 && c.inboundSpi() == replaces && c.localSelectors().size() == 1
          && c.remoteSelectors().size() == 1) {
        qm.local = c.localSelectors().getFirst();
        qm.remote = c.remoteSelectors().getFirst();
      }
    }
    DhGroup pfs = sa.policy.pfsGroup();
    SecurityAssociation offer = Ikev1Proposals.phase2Offer(sa.policy.espTransforms(), pfs, qm.ourSpi,
        sa.policy.mode(), sa.natDetected, sa.policy.lifetimeSeconds(), sa.policy.lifetimeKilobytes());
    List<IsakmpPayload> rest = new ArrayList<>(List.of(offer, new Nonce(qm.ni)));
    if (pfs != null) {
      qm.dh = pfs.newExchange();
      rest.add(new KeyExchange(qm.dh.publicValue()));
    }
    rest.add(QuickModeIds.toId(qm.local));
    rest.add(QuickModeIds.toId(qm.remote));
    byte[] iv = Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block());
    byte[] qm1 = Protection.seal(sa, EXCH_QUICK_MODE, mid, iv, Protection.withHash(sa, mid, new byte[0], rest));
    qm.iv = CbcCipher.lastBlock(qm1, sa.keys.block());
    sa.quickModes.put(mid, qm);
    e.wire.request(sa, qm1);
  }

  static void receive(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) {
    long mid = h.messageId();
    if (mid == 0) {
      return;
    }
    IsakmpSa.QuickMode qm = sa.quickModes.get(mid);
    if (qm == null) {
      if (!sa.answered.containsKey(mid)) {
        onQm1(e, sa, in, h, digest);
      }
    } else if (qm.initiator) {
      onQm2(e, sa, qm, in, h, digest);
    } else {
      onQm3(e, sa, qm, in, h);
    }
  }

  private static void onQm1(Ikev1Engine e, IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) {
    long mid = h.messageId();
    Protection.Opened o = Protection.open(sa, in.message(), h,
        Phase1Keys.phase2Iv(sa.suite.hash(), sa.phase1Iv, mid, sa.keys.block()));
    if (o == null || !Protection.verifyHash1(sa, o)) {
      LOG.fine(() -> "ISAKMP: Quick Mode from " + sa.peerAddress + " with a bad HASH(1), dropped");
      return;
    }
    e.life.authenticatedFrom(sa, in);
    e.life.liveness(sa);
    SecurityAssociation offer = o.chain().first(SecurityAssociation.class);
    Nonce ni = o.chain().first(Nonce.class);
    List<Identification> ids = o.chain().all(Identification.class);
    if (offer == null || ni == null || !MainModeInitiator.nonceLengthOk(ni.data())
        || (ids.size() != 0 && ids.size() != 2)) {
      return;
    }
    IsakmpSa.QuickMode qm = new IsakmpSa.QuickMode(false, mid);
    qm.ni = ni.data();
    if (ids.isEmpty()) {
      // RFC 2409 §5.5: without IDs the selectors are the ISAKMP peers' addresses
      qm.remote = TrafficSelector.anyPorts(sa.peerAddress, sa.peerAddress);
      qm.local = TrafficSelector.anyPorts(sa.localAddress, sa.localAddress);
    } else {
      qm.remote = QuickModeIds.fromId(ids.get(0));
      qm.local = QuickModeIds.fromId(ids.get(1));
    }
    if (qm.local == null || qm.remote == null || !within(qm.local, sa.policy.localSelectors())
        || !within(qm.remote, sa.policy.remoteSelectors())) {
      refuse(e, sa, N_INVALID_ID_INFORMATION);
      return;
    }
    if (overChildSaLimit(e, sa, qm)) {
      e.stats.requestDropped(1, io.ipsecmesh.ike.dos.DosCounters.CHILD_SA_LIMIT);
      LOG.info(() -> "ISAKMP: " + sa.children.size() + " Child SAs with " + sa.peerAddress + " (limit "
          + e.maxChildSas + "), Quick Mode refused");
      refuse(e, sa, N_NO_PROPOSAL_CHOSEN);
      return;
    }
    qm.ourSpi = newSpi(e, sa);
    Ikev1Proposals.Choice<Ikev1Proposals.EspChoice> choice = Ikev1Proposals.choosePhase2(offer,
        sa.policy.espTransforms(), sa.policy.mode(), sa.policy.pfsGroup(), qm.ourSpi);
    if (choice == null) {
      refuse(e, sa, N_NO_PROPOSAL_CHOSEN);
      return;
    }
    qm.choice = choice.selected();
    KeyExchange ke = o.chain().first(KeyExchange.class);
    if ((ke != null) != (qm.choice.pfsGroup() != null)) {
      // RFC 2409 §5.5: a KE payload exactly when the SA names a group
      refuse(e, sa, N_PAYLOAD_MALFORMED);
      return;
    }
    byte[] ourKe = null;
    if (ke != null) {
      qm.dh = qm.choice.pfsGroup().newExchange();
      try {
        qm.gqmxy = qm.dh.sharedSecret(ke.data());
      } catch (GeneralSecurityException ex) {
        refuse(e, sa, N_PAYLOAD_MALFORMED);
        return;
      }
      ourKe = qm.dh.publicValue();
      qm.dh = null;
    }
    qm.peerSpi = IsakmpCodec.getUint32(choice.offeredSpi(), 0);
    qm.nr = MainModeInitiator.nonce(e);
    List<IsakmpPayload> rest = new ArrayList<>(List.of(choice.reply(), new Nonce(qm.nr)));
    if (ourKe != null) {
      rest.add(new KeyExchange(ourKe));
    }
    rest.addAll(ids);
    byte[] qm2 = Protection.seal(sa, EXCH_QUICK_MODE, mid, CbcCipher.lastBlock(in.message(), sa.keys.block()),
        Protection.withHash(sa, mid, qm.ni, rest));
    qm.iv = CbcCipher.lastBlock(qm2, sa.keys.block());
    sa.quickModes.put(mid, qm);
    e.wire.reply(sa, digest, qm2);
    e.scheduler.schedule(e.wire.policy().giveUpAfter(), () -> sa.quickModes.remove(mid, qm));
  }

  private static void onQm2(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm, IkeDatagram in, IsakmpHeader h,
      byte[] digest) {
    long mid = qm.messageId;
    Protection.Opened o = Protection.open(sa, in.message(), h, qm.iv);
    if (o == null || !Protection.hashMatches(o, sa.keys.prfA(IsakmpCodec.uint32(mid), qm.ni, o.afterFirst()))) {
      LOG.fine(() -> "ISAKMP: Quick Mode reply from " + sa.peerAddress + " with a bad HASH(2), dropped");
      return;
    }
    e.life.authenticatedFrom(sa, in);
    e.life.liveness(sa);
    SecurityAssociation reply = o.chain().first(SecurityAssociation.class);
    Nonce nr = o.chain().first(Nonce.class);
    if (reply == null || nr == null || !MainModeInitiator.nonceLengthOk(nr.data()) || reply.proposals().size() != 1
        || reply.proposals().getFirst().transforms().size() != 1 || reply.proposals().getFirst().spi().length != 4) {
      failQuickMode(e, sa, qm, "malformed-quick-mode-reply");
      return;
    }
    Ikev1Proposals.EspChoice choice = Ikev1Proposals.espChoice(reply.proposals().getFirst().transforms().getFirst());
    if (choice == null || !sa.policy.espTransforms().contains(choice.transform())
        || choice.pfsGroup() != sa.policy.pfsGroup()) {
      failQuickMode(e, sa, qm, "no-proposal-chosen");
      return;
    }
    if (qm.dh != null) {
      KeyExchange ke = o.chain().first(KeyExchange.class);
      try {
        if (ke == null) {
          throw new GeneralSecurityException("no KE in a PFS Quick Mode reply");
        }
        qm.gqmxy = qm.dh.sharedSecret(ke.data());
      } catch (GeneralSecurityException ex) {
        failQuickMode(e, sa, qm, "invalid-ke");
        return;
      }
      qm.dh = null;
    }
    qm.choice = choice;
    qm.peerSpi = IsakmpCodec.getUint32(reply.proposals().getFirst().spi(), 0);
    qm.nr = nr.data();
    byte[] hash3 = sa.keys.prfA(new byte[] {0}, IsakmpCodec.uint32(mid), qm.ni, qm.nr);
    byte[] qm3 = Protection.seal(sa, EXCH_QUICK_MODE, mid, CbcCipher.lastBlock(in.message(), sa.keys.block()),
        List.of(new Hash(hash3)));
    e.wire.answered(sa);
    e.wire.reply(sa, digest, qm3);
    finish(e, sa, qm);
  }

  private static void onQm3(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm, IkeDatagram in, IsakmpHeader h) {
    Protection.Opened o = Protection.open(sa, in.message(), h, qm.iv);
    byte[] expected = sa.keys.prfA(new byte[] {0}, IsakmpCodec.uint32(qm.messageId), qm.ni, qm.nr);
    if (o == null || !Protection.hashMatches(o, expected)) {
      LOG.fine(() -> "ISAKMP: Quick Mode HASH(3) from " + sa.peerAddress + " does not verify, dropped");
      return;
    }
    e.life.authenticatedFrom(sa, in);
    e.life.liveness(sa);
    finish(e, sa, qm);
  }

  private static void finish(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm) {
    sa.quickModes.remove(qm.messageId);
    sa.answered.put(qm.messageId, Boolean.TRUE);
    ChildSa child = ChildSas.build(e, sa, qm);
    LOG.info(() -> String.format("IPsec: Child SA with %s established, SPIs %08x in / %08x out (%s)", sa.peerAddress,
        child.inboundSpi(), child.outboundSpi(), child.transform().iosName));
    e.debug.log(IsakmpDebug.quickModeComplete(sa, qm.initiator));
    e.life.addChild(sa, child);
    if (qm.replaces != 0) {
      e.deleteChild(qm.replaces, "rekeyed");
    }
    e.takeover.checkpoint(sa);
  }

  /** The peer refused in an informational (NO-PROPOSAL-CHOSEN …): our Quick Modes in flight are over. */
  static void abandonOurs(Ikev1Engine e, IsakmpSa sa, String reason) {
    for (IsakmpSa.QuickMode qm : List.copyOf(sa.quickModes.values())) {
      if (qm.initiator) {
        failQuickMode(e, sa, qm, reason);
      }
    }
  }

  private static void failQuickMode(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm, String reason) {
    if (qm.gqmxy != null) {
      java.util.Arrays.fill(qm.gqmxy, (byte) 0);
    }
    sa.quickModes.remove(qm.messageId);
    sa.answered.put(qm.messageId, Boolean.TRUE);
    e.wire.answered(sa);
    LOG.info(() -> "IPsec: Quick Mode with " + sa.peerAddress + " failed: " + reason);
    e.listener.childSaFailed(sa.peerAddress, reason);
  }

  /** A protected informational with the reason (RFC 2409 §5.7), then forget the exchange. */
  private static void refuse(Ikev1Engine e, IsakmpSa sa, int notifyType) {
    InformationalExchange.send(e, sa, List.of(new Notification(DOI_IPSEC, PROTO_IPSEC_ESP, notifyType, new byte[0],
        new byte[0])));
  }

  /**
   * The IKEv1 counterpart of IKEv2's NO_ADDITIONAL_SAS cap: Child SAs of this ISAKMP SA plus the Quick Modes
   * we answer. IKEv1 has no REKEY_SA notify and no NO_ADDITIONAL_SAS (the refusal is NO-PROPOSAL-CHOSEN, RFC
   * 2408 §3.14.1); a Quick Mode for the selectors of a Child SA we hold is its rekey (RFC 2409 §5.5 makes a new
   * SA, the old one is deleted after), and may overlap it as an IKEv2 rekey may.
   */
  private static boolean overChildSaLimit(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm) {
    long answering = sa.quickModes.values().stream().filter(q -> !q.initiator).count();
    boolean rekey = sa.children.stream().anyMatch(c -> c.localSelectors().equals(List.of(qm.local))
        && c.remoteSelectors().equals(List.of(qm.remote)));
    return sa.children.size() + answering >= (rekey ? 2L : 1L) * e.maxChildSas;
  }

  private static boolean within(TrafficSelector ts, List<TrafficSelector> allowed) {
    java.math.BigInteger s = QuickModeIds.number(ts.startAddress());
    java.math.BigInteger end = QuickModeIds.number(ts.endAddress());
    if (s == null || end == null) {
      return false;
    }
    for (TrafficSelector a : allowed) {
      java.math.BigInteger as = QuickModeIds.number(a.startAddress());
      java.math.BigInteger ae = QuickModeIds.number(a.endAddress());
      // one family only: an IPv4 number never falls in an IPv6 range (their texts differ in kind)
      if (as != null && ae != null && a.startAddress().contains(":") == ts.startAddress().contains(":")
          && as.compareTo(s) <= 0 && end.compareTo(ae) <= 0
          && (a.protocol() == 0 || a.protocol() == ts.protocol())
          && a.startPort() <= ts.startPort() && ts.endPort() <= a.endPort()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A random SPI above the reserved range 1–255 (RFC 4303 §2.1), below the forwarder's steering probes
   * ({@link EspHeader#FIRST_PROBE_SPI}), that this SA does not use yet.
   */
  static long newSpi(Ikev1Engine e, IsakmpSa sa) {
    while (true) {
      long spi = e.random.nextInt() & 0xffffffffL;
      if (EspHeader.allocatable(spi) && sa.children.stream().noneMatch(c -> c.inboundSpi() == spi)) {
        return spi;
      }
    }
  }
}

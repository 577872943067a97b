package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.dos.HalfOpenQuota;
import io.ipsecmesh.proto.sa.ChildSa;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ISAKMP SAs of one engine and the Child SAs that outlived theirs: lookup by cookie, id and peer,
 * the cookies, message IDs and conn-ids handed out, and the half-open bookkeeping of responder phase-1
 * exchanges (RFC 2408 §2.5.3 leaves the defence against MM1/AM1 floods to the implementation).
 */
final class IsakmpSaTable {

  /**
   * Responder phase-1 state that one unauthenticated MM1 or AM1 creates is kept until the negotiation ends or
   * times out; beyond this many half-open SAs new ones are dropped (ISAKMP has no stateless cookie exchange
   * like IKEv2's).
   */
  static final int MAX_HALF_OPEN = 1024;

  private final SecureRandom random;
  /** ISAKMP SAs by initiator cookie (ours when we initiated, the peer's otherwise). */
  final Map<Long, IsakmpSa> sas = new LinkedHashMap<>();
  /**
   * Child SAs whose ISAKMP SA ended (lifetime, the peer's DELETE of it) by peer address. IKEv1 does not tie
   * IPsec SAs to their ISAKMP SA (RFC 2409 §5.5, IOS keeps them): they live on to their own lifetime and
   * the next ISAKMP SA with the peer adopts them, so DPD and DELETE work for them again.
   */
  final Map<String, List<ChildSa>> orphans = new LinkedHashMap<>();
  /** Responder phase-1 exchanges not yet authenticated, per peer address ({@code ike-half-open-per-peer}). */
  HalfOpenQuota halfOpenPerPeer = new HalfOpenQuota(HalfOpenQuota.DEFAULT_PER_PEER);
  /**
   * IKEv1 conn-ids start far above IKEv2's (1000 upwards) so both engines can share the IKE SA map
   * bookkeeping, which is keyed by conn-id.
   */
  private int nextConnId = 500_000;

  IsakmpSaTable(SecureRandom random) {
    this.random = random;
  }

  /** The ike-service instance holding this table's SAs (scale-out), null alone. */
  String owner;

  /** A new SA joins the table with its conn-id. */
  void register(IsakmpSa sa) {
    sa.connId = nextConnId++;
    sa.owner = owner;
    sas.put(sa.cookieI, sa);
  }

  /** An SA adopted from another instance's checkpoint joins with the conn-id it had there. */
  void adopt(IsakmpSa sa) {
    sa.owner = owner;
    sas.put(sa.cookieI, sa);
  }

  void remove(IsakmpSa sa) {
    sas.remove(sa.cookieI);
  }

  IsakmpSa byCookie(long initiatorCookie) {
    return sas.get(initiatorCookie);
  }

  /** The newest established SA with the peer, else one in negotiation, else null. */
  IsakmpSa findByPeer(String peerAddress) {
    IsakmpSa found = null;
    for (IsakmpSa sa : sas.values()) {
      if (sa.peerAddress.equals(peerAddress) && sa.state != IsakmpSa.Phase1State.DEAD
          && (found == null || sa.established() || !found.established())) {
        found = sa;
      }
    }
    return found;
  }

  /** By {@code cookieI:cookieR} in hex: the initiator cookie is the table key. */
  IsakmpSa findById(String id) {
    if (id == null || id.length() != 33 || id.charAt(16) != ':') {
      return null;
    }
    try {
      IsakmpSa sa = sas.get(Long.parseUnsignedLong(id.substring(0, 16), 16));
      return sa != null && sa.id().equals(id) ? sa : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The ISAKMP SA holding the Child SA with this inbound SPI, or null. */
  IsakmpSa holding(long inboundSpi) {
    for (IsakmpSa sa : sas.values()) {
      for (ChildSa c : sa.children) {
        if (c.inboundSpi() == inboundSpi) {
          return sa;
        }
      }
    }
    return null;
  }

  /** Whether we hold nothing with this peer but {@code sa}: then our MM5/AM3 says INITIAL-CONTACT. */
  boolean freshWith(IsakmpSa sa) {
    return sas.values().stream().noneMatch(o -> o != sa && o.peerAddress.equals(sa.peerAddress))
        && !orphans.containsKey(sa.peerAddress);
  }

  /** Which initiator cookies this instance may choose (it owns them: IKE scale-out routes by CKY-I); all by default. */
  java.util.function.LongPredicate ownCookie = c -> true;

  long newCookie() {
    long c;
    int tries = 0;
    do {
      c = random.nextLong();
    } while (c == 0 || sas.containsKey(c) || (!ownCookie.test(c) && ++tries < 1000));
    return c;
  }

  /** A message ID that is neither 0 nor one this SA already used. */
  long newMessageId(IsakmpSa sa) {
    long m;
    do {
      m = random.nextInt() & 0xffffffffL;
    } while (m == 0 || sa.quickModes.containsKey(m) || sa.answered.containsKey(m));
    return m;
  }

  /** Responder phase-1 exchanges in negotiation. */
  int halfOpen() {
    int n = 0;
    for (IsakmpSa sa : sas.values()) {
      if (!sa.initiator && !sa.established()) {
        n++;
      }
    }
    return n;
  }

  /** A responder kept state for an unauthenticated MM1/AM1: it counts against the peer's quota. */
  void openedHalfOpen(IsakmpSa sa) {
    sa.halfOpen = true;
    halfOpenPerPeer.opened(sa.peerAddress);
  }

  /** Authenticated or gone: no longer half-open (once). */
  void leftHalfOpen(IsakmpSa sa) {
    if (sa.halfOpen) {
      sa.halfOpen = false;
      halfOpenPerPeer.closed(sa.peerAddress);
    }
  }

  int size() {
    return sas.size();
  }
}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.dos.RequestDigestCache;
import io.ipsecmesh.ike.fragment.FragmentReassembler;
import io.ipsecmesh.ike.fragment.IkeFragmenter;
import io.ipsecmesh.proto.config.Ikev2Fragmentation;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/**
 * RFC 7383 for one IKE SA, between its {@link TaskManager} and the wire: protected messages out (fragmented when
 * fragmentation was negotiated and the message would exceed {@code crypto ikev2 fragmentation mtu}), IKE Fragment
 * messages in (one {@link FragmentReassembler} for the peer's requests, one for the responses to ours, each
 * holding only the message ID its window admits), the retransmission rules of §2.6.1, and what
 * {@code debug crypto ikev2} says about it. The task manager sees whole messages only.
 */
final class IkeFragments {

  /** Later fragments of an answered request: ignored (§2.6.1), counted under this reason. */
  static final String ANSWERED = "answered";
  /** Fragments on an IKE SA that did not negotiate fragmentation (§2.4: MUST NOT be used then). */
  static final String NOT_NEGOTIATED = "not-negotiated";

  private final IkeSa sa;
  private final SaServices s;
  private final FragmentReassembler requests;
  private final FragmentReassembler responses;
  /** The first fragment of the request just reassembled: what its retransmissions are recognised by. */
  private byte[] reassembledFirst;

  IkeFragments(IkeSa sa, SaServices s) {
    this.sa = sa;
    this.s = s;
    // §2.6: the responder's timeout RECOMMENDED equal to the time an initiator waits before giving up
    long timeout = s.retransmit.giveUpAfter();
    this.requests = new FragmentReassembler(s.scheduler, timeout, () -> timedOut("request"));
    this.responses = new FragmentReassembler(s.scheduler, timeout, () -> timedOut("response"));
  }

  // ============================================================================ out

  /** The datagrams of a protected message: one, or its IKE Fragment messages (§2.5). */
  List<byte[]> protect(IkeHeader h, List<Payload> payloads) {
    Ikev2Fragmentation f = s.fragmentation();
    int max = 0;
    int mtu = 0;
    if (sa.fragmentation && f != null) {
      boolean ipv6 = sa.peerAddress.indexOf(':') >= 0;
      mtu = f.mtuFor(ipv6);
      max = IkeFragmenter.maxMessageBytes(mtu, ipv6, sa.localPort == IkeEngine.NATT_PORT);
    }
    List<byte[]> out = IkeFragmenter.protect(sa.outbound, h, payloads, max);
    if (out.size() > 1) {
      // in the words of IOS's debug crypto ikev2 (the receiving side's lines below are in its style)
      s.debugLog(sa, "Fragmenting packet, Fragment MTU: " + mtu + ", Number of fragments: " + out.size()
          + ", Fragment ID: " + h.messageId());
    }
    return out;
  }

  // ============================================================================ in

  /**
   * An IKE Fragment message of the message ID the window admits: null while the set is incomplete or when the
   * fragment was dropped (counted), the original message's inner payloads when it completed it.
   */
  List<Payload> reassemble(Datagram d, IkeMessage m, Payload.EncryptedFragment f) {
    IkeHeader h = m.header();
    if (!sa.fragmentation) {
      drop(NOT_NEGOTIATED, h.messageId(), "IKEV2_FRAGMENTATION_SUPPORTED was not exchanged");
      return null;
    }
    FragmentReassembler r = h.isResponse() ? responses : requests;
    s.debugLog(sa, "Received fragment numbered " + f.fragmentNumber() + ", total fragments: " + f.totalFragments(),
        h.messageId(), "");
    switch (r.offer(h.messageId(), d.msg(), f, sa.inbound)) {
      case FragmentReassembler.Stored x -> {
        return null;
      }
      case FragmentReassembler.Complete c -> {
        s.debugLog(sa, "Reassembled " + c.fragments() + " fragments, message size " + c.bytes(), h.messageId(), "");
        if (!h.isResponse()) {
          reassembledFirst = c.firstFragment();
        }
        return c.payloads();
      }
      case FragmentReassembler.Dropped x -> {
        drop(x.reason(), h.messageId(), x.detail());
        if (x.reason().equals(FragmentReassembler.INTEGRITY)) {
          s.stats().malformed();
        }
        if (x.reason().equals(FragmentReassembler.LIMIT)) {
          // §5: an authenticated peer sending more than the limit is an attack or broken; drop the connection
          s.teardown(sa, "fragment-limit");
        }
        return null;
      }
    }
  }

  /**
   * §2.6.1: a fragment other than the first of a request we answered is ignored (the first one, bitwise
   * identical, gets the response again from the reply cache).
   */
  boolean laterFragmentOfAnswered(IkeMessage m, long expectedRequestId) {
    if (!IkeFragmenter.isFragment(m.payloads()) || m.header().messageId() + 1 != expectedRequestId) {
      return false;
    }
    Payload.EncryptedFragment f = (Payload.EncryptedFragment) m.payloads().getLast();
    if (f.fragmentNumber() == 1) {
      return false;
    }
    drop(ANSWERED, m.header().messageId(), "fragment " + f.fragmentNumber() + " of an answered request");
    return true;
  }

  /** The reply cache's key of the request just opened: its datagram's, or a reassembled one's first fragment's. */
  byte[] requestDigest(IkeMessage m, byte[] digest) {
    if (IkeFragmenter.isFragment(m.payloads()) && reassembledFirst != null) {
      byte[] first = reassembledFirst;
      reassembledFirst = null;
      return RequestDigestCache.digest(first);
    }
    return digest;
  }

  /** The SA is gone: what was collected goes (zeroed). */
  void clear() {
    requests.clear();
    responses.clear();
    reassembledFirst = null;
  }

  private void drop(String reason, long messageId, String detail) {
    s.stats().fragmentDropped(reason);
    s.debugLog(sa, "drop fragment (" + reason + ")", messageId, detail);
  }

  private void timedOut(String which) {
    s.stats().fragmentDropped(FragmentReassembler.TIMEOUT);
    s.debugLog(sa, "discard the fragments of an incomplete " + which + " (reassembly timeout)");
  }
}

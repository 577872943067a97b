package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.exchange.NatDetection;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * NAT detection (RFC 7296 §2.23), both roles, after strongSwan's {@code ike_natd.c}: it rides in IKE_SA_INIT
 * with {@link IkeInitTask}, adding NAT_DETECTION_SOURCE_IP and NAT_DETECTION_DESTINATION_IP and comparing the
 * peer's with the address the message really came from and the one our own notify named (our socket, bound to
 * the wildcard, does not know which address a datagram reached). A mismatch means a NAT: IKE moves to
 * port 4500 (the initiator floats before IKE_AUTH) and ESP is UDP-encapsulated. Following the NAT's later
 * remappings is {@link NatMobility}'s. With {@code no crypto ipsec nat-transparency udp-encapsulation} this
 * task adds nothing and detects nothing.
 */
final class NatDetectionTask implements Task {

  private final SaServices s;
  /** Responder: the request's datagram, whose addresses our notifies hash. */
  private Datagram request;

  NatDetectionTask(SaServices s) {
    this.s = s;
  }

  @Override
  public Type type() {
    return Type.NAT_DETECTION;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.IKE_SA_INIT;
  }

  @Override
  public String name() {
    return "NAT-D";
  }

  @Override
  public List<Payload> buildI(IkeSa sa) {
    return s.nat.traversal() ? notifies(sa.spiI, 0, sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort)
        : List.of();
  }

  /** After {@link IkeInitTask} accepted the response: SPIr is known. */
  @Override
  public Status processI(IkeSa sa, Inbound response) {
    if (sa.state != IkeSa.State.AUTH_SENT) {
      return Status.DONE;
    }
    IkeMessage m = response.message();
    Datagram d = asRequestedFrom(sa, response.datagram());
    sa.natDetected = s.nat.traversal() && detected(m, sa.spiI, sa.spiR, d);
    sa.localBehindNat = s.nat.traversal() && localBehindNat(m, sa.spiI, sa.spiR, d);
    if (sa.natDetected) {
      // §2.23: after NAT detection the initiator moves to port 4500
      sa.localPort = IkeEngine.NATT_PORT;
      sa.peerPort = IkeEngine.NATT_PORT;
      s.debugLog(sa, "NAT detected, floating to port 4500");
    }
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {}

  /** After {@link IkeInitTask} accepted the request; the initiator's hashes were made with SPIr zero. */
  @Override
  public Status processR(IkeSa sa, Inbound in) {
    request = in.datagram();
    if (sa.state == IkeSa.State.INIT_DONE) {
      IkeMessage m = in.message();
      sa.natDetected = s.nat.traversal() && detected(m, sa.spiI, 0, request);
      sa.localBehindNat = s.nat.traversal() && localBehindNat(m, sa.spiI, 0, request);
      if (sa.natDetected) {
        s.debugLog(sa, "NAT detected");
      }
    }
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    if (sa.state != IkeSa.State.INIT_DONE || !s.nat.traversal()) {
      return List.of(); // refused: the error notify stands alone
    }
    return notifies(sa.spiI, sa.spiR, request.localAddress(), request.localPort(), request.peerAddress(),
        request.peerPort());
  }

  /**
   * The response, as received on the address and port our request's NAT_DETECTION_SOURCE_IP named. The peer's
   * NAT_DETECTION_DESTINATION_IP hashes where our request came from, and the peer compares our
   * NAT_DETECTION_SOURCE_IP with that same source: only when we compare with what we hashed ourselves do both
   * ends reach the same answer, as they must ("if a NAT is detected, both devices MUST use UDP encapsulation
   * for ESP", RFC 7296 §2.23). The socket's view is no substitute: bound to the wildcard, it names 0.0.0.0 (or
   * {@code --ike-local-address}), not the crypto map address we hashed, so the initiator alone saw a NAT,
   * floated to 4500 and UDP-encapsulated while the responder had set up raw ESP. An unknown local address
   * (0.0.0.0 hashed in our notify) still reads as a NAT, at both ends.
   */
  private static Datagram asRequestedFrom(IkeSa sa, Datagram d) {
    return new Datagram(sa.localAddress, sa.localPort, d.peerAddress(), d.peerPort(), d.msg());
  }

  /** Our two notifies for a message from {@code local} to {@code peer}. */
  private List<Payload> notifies(long spiI, long spiR, String localAddress, int localPort, String peerAddress,
      int peerPort) {
    return List.of(Payload.Notify.of(IkeConstants.NAT_DETECTION_SOURCE_IP,
            s.nat.sourceHash(spiI, spiR, localAddress, localPort)),
        Payload.Notify.of(IkeConstants.NAT_DETECTION_DESTINATION_IP,
            NatDetection.hash(spiI, spiR, peerAddress, peerPort)));
  }

  /** Mismatch of either hash = a NAT between us (or a peer faking one to force UDP encapsulation). */
  private boolean detected(IkeMessage m, long spiI, long spiR, Datagram d) {
    if (s.nat.forcing()) {
      return true;
    }
    List<Payload.Notify> src = m.all(Payload.Notify.class).stream()
        .filter(n -> n.notifyType() == IkeConstants.NAT_DETECTION_SOURCE_IP).toList();
    Optional<Payload.Notify> dst = m.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP);
    if (src.isEmpty() || dst.isEmpty()) {
      return false;
    }
    byte[] expectSrc = NatDetection.hash(spiI, spiR, d.peerAddress(), d.peerPort());
    byte[] expectDst = NatDetection.hash(spiI, spiR, d.localAddress(), d.localPort());
    boolean peerBehindNat = src.stream().noneMatch(n -> Arrays.equals(n.data(), expectSrc));
    boolean weBehindNat = !Arrays.equals(dst.get().data(), expectDst);
    return peerBehindNat || weBehindNat;
  }

  /**
   * The peer's NAT_DETECTION_DESTINATION_IP is not the address and port we received on: a NAT is in front
   * of us. Not when we fake NAT detection ourselves (forced encapsulation): that says nothing about a NAT.
   */
  private boolean localBehindNat(IkeMessage m, long spiI, long spiR, Datagram d) {
    if (s.nat.forcing()) {
      return false;
    }
    Optional<Payload.Notify> dst = m.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP);
    return dst.isPresent()
        && !Arrays.equals(dst.get().data(), NatDetection.hash(spiI, spiR, d.localAddress(), d.localPort()));
  }
}

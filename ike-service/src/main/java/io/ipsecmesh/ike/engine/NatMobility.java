package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.exchange.NatDetection;
import io.ipsecmesh.proto.sa.ChildSa;

/**
 * NAT mobility of the IKE SAs (RFC 7296 §2.23): following the peer when a NAT remaps it — seen in an authenticated IKE message ({@link TaskManager}) or in authenticated ESP
 * ({@code fwd.nat-mapping}) — with the UDP-encapsulated Child SAs moving along; detecting the NAT in the first
 * place is {@link NatDetectionTask}'s. Also the two settings that shape both: {@code crypto ipsec nat-transparency udp-encapsulation} and forced encapsulation.
 */
final class NatMobility {

  private final SaServices services;
  private volatile boolean forceUdpEncapsulation;
  /** {@code crypto ipsec nat-transparency udp-encapsulation}, on unless configured off. */
  private volatile boolean natTransparency = true;

  NatMobility(SaServices services) {
    this.services = services;
  }

  void setForceUdpEncapsulation(boolean on) {
    forceUdpEncapsulation = on;
  }

  void setNatTransparency(boolean on) {
    natTransparency = on;
  }

  /**
   * Whether NAT traversal runs: off after {@code no crypto ipsec nat-transparency udp-encapsulation}, which
   * "disables NAT traversal" (IPsec Data Plane guide, IPsec NAT Transparency): no NAT_DETECTION notifies
   * are sent, the peer's are ignored (RFC 7296 §2.23: without them neither side detects a NAT), so IKE
   * stays on port 500 and ESP goes raw.
   */
  boolean traversal() {
    return natTransparency;
  }

  /** Whether we fake NAT detection to encapsulate without a NAT: forced, and not configured off. */
  boolean forcing() {
    return forceUdpEncapsulation && natTransparency;
  }

  /** Our NAT_DETECTION_SOURCE_IP data: the real hash, or random bytes when encapsulation is forced (§2.23). */
  byte[] sourceHash(long spiI, long spiR, String address, int port) {
    return forcing() ? services.randomBytes(20) : NatDetection.hash(spiI, spiR, address, port);
  }

  /** An authenticated message came in on other ports than the SA's: a NAT remapped the peer (§2.23). */
  void authenticatedFrom(IkeSa sa, Datagram d) {
    if (d.peerPort() != sa.peerPort || d.localPort() != sa.localPort) {
      services.debugLog(sa, "peer moved to port " + d.peerPort() + " (local " + d.localPort() + ")");
      sa.peerPort = d.peerPort();
      sa.localPort = d.localPort();
      follow(sa);
    }
  }

  /**
   * The forwarder followed a new port of the peer seen only in authenticated ESP of the Child SA
   * {@code inboundSpi} ({@code fwd.nat-mapping}, RFC 7296 §2.23 / RFC 3948): the IKE SA moves there too,
   * and its UDP-encapsulated Child SAs are re-announced with the port, so other forwarders and nat-keepalive
   * follow before the peer sends any IKE message. Refused when we are behind a NAT ourselves (§2.23: SHOULD
   * NOT follow), for another peer address, and for an IKE SA that does not run on the Child SA's port (no
   * NAT between us: ESP's port says nothing about IKE's).
   *
   * @return whether anything moved
   */
  boolean seenInEsp(IkeSa sa, long inboundSpi, String peerAddress, int peerPort) {
    if (sa == null || sa.state != IkeSa.State.ESTABLISHED || sa.localBehindNat || peerPort <= 0
        || !sa.peerAddress.equals(peerAddress)) {
      return false;
    }
    ChildSa child = null;
    for (ChildSaState c : sa.children) {
      if (c.inboundSpi() == inboundSpi) {
        child = c.sa();
      }
    }
    if (child == null || !child.udpEncapsulation() || child.localPort() != sa.localPort
        || (sa.peerPort == peerPort && child.peerPort() == peerPort)) {
      return false;
    }
    services.debugLog(sa, "peer moved to port " + peerPort + " (seen in ESP of SA " + Long.toHexString(inboundSpi)
        + ")");
    sa.peerPort = peerPort;
    follow(sa);
    return true;
  }

  /**
   * The IKE SA just moved to new ports. Its UDP-encapsulated Child SAs move with it, since ESP-in-UDP uses the
   * IKE SA's ports, so neither the forwarder nor nat-keepalive keeps sending to the stale mapping.
   */
  private void follow(IkeSa sa) {
    if (sa.state != IkeSa.State.ESTABLISHED) {
      return; // no Child SA yet: IKE_AUTH builds them with the ports it arrived on
    }
    for (int i = 0; i < sa.children.size(); i++) {
      ChildSa c = sa.children.get(i).sa();
      // only a message that came in on the Child SA's own socket (the forwarder's 4500) names its
      // mapping; one on port 500 says nothing about where ESP-in-UDP goes
      if (c.udpEncapsulation() && c.localPort() == sa.localPort && c.peerPort() != sa.peerPort) {
        ChildSa moved = c.withPeerPort(sa.peerPort);
        sa.children.set(i, new ChildSaState(moved));
        services.events.childSaRebound(moved);
      }
    }
    services.events.summaryChanged(sa.summary("ACTIVE"));
  }
}

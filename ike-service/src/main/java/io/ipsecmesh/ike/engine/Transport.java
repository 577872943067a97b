package io.ipsecmesh.ike.engine;

/**
 * Sends one IKE message. Port 500 goes out of ike-service's own socket; port 4500 through the
 * forwarder ({@code ike.tx}), which adds the non-ESP marker.
 */
@FunctionalInterface
public interface Transport {
  void send(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message);
}

package io.ipsecmesh.ike.engine;

/** One IKE datagram as it arrived: the socket it came in on, its source, and its bytes (non-ESP marker removed). */
record Datagram(String localAddress, int localPort, String peerAddress, int peerPort, byte[] msg) {}

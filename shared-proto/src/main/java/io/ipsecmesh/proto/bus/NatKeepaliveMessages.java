package io.ipsecmesh.proto.bus;

import java.util.List;

/** nat-keepalive decides when, the forwarder sends the one-byte 0xFF from its 4500 socket. */
public final class NatKeepaliveMessages {

  /** send: {@link SendKeepalives} */
  public static final String SEND = "natk.send";

  public record Target(String localAddress, int localPort, String peerAddress, int peerPort) {}

  public record SendKeepalives(List<Target> targets) {}

  static final List<Class<? extends Record>> RECORDS = List.of(Target.class, SendKeepalives.class);

  private NatKeepaliveMessages() {}
}

package io.ipsecmesh.proto.bus;

import java.util.List;

/** nat-keepalive decides when, the forwarder sends the one-byte 0xFF from its 4500 socket. */
public final class NatKeepaliveMessages {

  /** send: {@link SendKeepalives} */
  public static final String SEND = "natk.send";
  /**
   * publish: {@link MemberMessages.MemberHeartbeat} — nat-keepalive instances announce themselves about once a
   * second and split the NAT-T paths among the live ones (rendezvous hashing over instance ids), so that
   * each path's keepalives come from one instance.
   */
  public static final String MEMBERS = "natk.members";

  public record Target(String localAddress, int localPort, String peerAddress, int peerPort) {}

  public record SendKeepalives(List<Target> targets) {}

  static final List<Class<? extends Record>> RECORDS = List.of(Target.class, SendKeepalives.class);

  private NatKeepaliveMessages() {}
}

package io.ipsecmesh.esp.fwd;

import java.net.InetSocketAddress;

/**
 * Where a packet goes when another forwarder instance owns its SA (scale-out: one owner per Child SA pair, so
 * one replay window and one sequence counter per SA). The pipelines call it from their packet threads, for a
 * pair whose {@link SaPair#remoteOwner()} is set, before the replay check (inbound) or the sequence number
 * (outbound): the owner alone touches either. Implementations copy the bytes they keep, are bounded in rate,
 * and count what they drop; they never throw.
 */
public interface Handoff {

  /** An ESP packet (from its SPI on) that arrived here; {@code udp}: on the 4500 socket, else raw ESP. */
  void inbound(String owner, byte[] a, int off, int len, InetSocketAddress sender, boolean udp);

  /** An inner packet whose outbound SA {@code owner} owns. */
  void outbound(String owner, byte[] a, int off, int len);

  /** Without scale-out no pair has a remote owner; should one, its packets are dropped here. */
  Handoff DROP = new Handoff() {
    @Override
    public void inbound(String owner, byte[] a, int off, int len, InetSocketAddress sender, boolean udp) {
      // no hand-off path: dropped
    }

    @Override
    public void outbound(String owner, byte[] a, int off, int len) {
      // no hand-off path: dropped
    }
  };
}

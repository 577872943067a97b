package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One forwarder's data plane in-process: inner port, captured outer packets, SAs from a configuration. */
final class TestGateway {

  final InProcessPacketPort port = new InProcessPacketPort("test");
  final CapturingSender sent = new CapturingSender();
  final List<SaPair> retired = new ArrayList<>();
  final SaDatabase sad = new SaDatabase(retired::add);
  final DataPlane plane;
  final List<byte[]> punted = new ArrayList<>();
  final KeyWrap wrap = KeyWrap.fromEnvironment();
  final SaFactory factory = new SaFactory(wrap, Libc.AF_INET);
  final PacketBuffer rx = new PacketBuffer();

  TestGateway() {
    // the capture is both the IPv4 and the IPv6 socket: IPv6 peers' packets land in it too
    plane = new DataPlane(sad, port, sent, null, sent, null, (m, s, l) -> punted.add(m));
    port.start(plane.outbound());
  }

  /** Applies the SPD and installs the manual SAs of {@code config}, with sequence numbers from 1. */
  TestGateway configure(GatewayConfig config) {
    sad.setSpd(SecurityPolicyDatabase.build(config));
    for (ChildSa sa : ManualKeying.childSas(config, wrap, p -> {
      throw new AssertionError(p);
    })) {
      install(factory.build(sa, true, sad.spd()));
    }
    return this;
  }

  /**
   * An installer on this gateway's SAD that reserves at once through {@code reservations} (as a worker would,
   * without the hop), passing each SA's "no sequence numbers" reason to {@code starved}.
   */
  SaInstaller installer(SequenceReservations reservations, java.util.function.Consumer<String> starved,
      java.util.function.LongSupplier clock) {
    return new SaInstaller(sad, factory, (pair, done) -> {
      try {
        done.accept(SaInstaller.Reservation.of(reservations.reserve(pair.sa(), pair.manual())));
      } catch (java.io.IOException | RuntimeException e) {
        done.accept(SaInstaller.Reservation.failed(e.getMessage()));
      }
    }, new SaInstaller.Events() {
      @Override
      public void installed(SaPair pair) {}

      @Override
      public void noSequenceNumbers(SaPair pair, String why) {
        starved.accept(why);
      }

      @Override
      public void discard(SaPair pair) {}

      @Override
      public void rekey(SaPair pair) {}

      @Override
      public void log(String line) {}
    }, clock, clock);
  }

  SaPair install(SaPair p) {
    p.out.startAt(1, 1 << 20);
    sad.install(p);
    return p;
  }

  /** Hands an outer packet to this gateway's inbound pipeline, as the 4500 socket would. */
  void receive(byte[] esp, InetSocketAddress from) {
    System.arraycopy(esp, 0, rx.array(), PacketBuffer.HEADROOM, esp.length);
    plane.inbound().onEsp(rx, PacketBuffer.HEADROOM, esp.length, from);
  }

  SaPair onlySa() {
    List<SaPair> all = sad.pairs();
    if (all.size() != 1) {
      throw new AssertionError("expected one SA, have " + all.size());
    }
    return all.get(0);
  }

  /** Keeps a copy of every outer packet with its destination. */
  static final class CapturingSender implements EspSender {
    record Sent(byte[] packet, InetSocketAddress to) {}

    final ArrayDeque<Sent> packets = new ArrayDeque<>();
    boolean accept = true;

    @Override
    public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
      if (!accept) {
        return false;
      }
      packets.add(new Sent(Arrays.copyOfRange(buf.array(), off, off + len), peer.address()));
      return true;
    }

    @Override
    public int family() {
      return Libc.AF_INET;
    }
  }
}

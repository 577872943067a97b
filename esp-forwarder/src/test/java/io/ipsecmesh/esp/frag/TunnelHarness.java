package io.ipsecmesh.esp.frag;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.df.DfSwitch;
import io.ipsecmesh.esp.df.DfSwitchingSender;
import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.ManualKeying;
import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.fwd.SaFactory;
import io.ipsecmesh.esp.fwd.SaPair;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two data planes with manual keys back to back in one JVM (A 10.91.31.0/24, B 10.91.32.0/24), A's
 * outer packets captured with the DF mode its socket was in when each was sent, and A's ICMP
 * messages captured: the DF and fragmentation decisions without root.
 */
public final class TunnelHarness {

  static final int[] HOST_A = {10, 91, 31, 10};
  static final int[] HOST_B = {10, 91, 32, 10};
  static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.249.1", 4500);

  /** An outer packet as it left A: its bytes, the socket's DF mode then, and the batch it went in. */
  public record Outer(byte[] esp, boolean df, int batch) {}

  public record Icmp(byte[] message, int dstV4) {}

  final GatewayPlane a;
  final GatewayPlane b;
  public final List<Icmp> icmp = new ArrayList<>();

  public TunnelHarness() {
    a = new GatewayPlane(ManualKeyConfigs.gatewayA("172.31.249.1", "172.31.249.2", "10.91.31.0", "10.91.32.0"));
    b = new GatewayPlane(ManualKeyConfigs.gatewayB("172.31.249.2", "172.31.249.1", "10.91.32.0", "10.91.31.0"));
    a.plane.outbound().icmpSender((m, len, dst) -> icmp.add(new Icmp(Arrays.copyOf(m, len), dst)));
  }

  /** An IPv4 UDP packet A → B of {@code len} bytes in all, DF as given. */
  public static byte[] inner(int len, boolean df) {
    byte[] p = io.ipsecmesh.esp.Packets.udp4(HOST_A, HOST_B, 40000, 5201, len - 28);
    p[6] = (byte) (df ? 0x40 : 0);
    p[10] = 0;
    p[11] = 0;
    int c = io.ipsecmesh.esp.Packets.checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
    return p;
  }

  /** Sends {@code inner} from A's LAN; returns the outer packets A sent, each also delivered to B. */
  public List<Outer> send(byte[] inner) {
    a.port.inject(inner);
    return deliver();
  }

  /** Hands {@code inner} to A's outbound pipeline without ending the inner batch. */
  public void feed(byte[] inner) {
    PacketBuffer buf = new PacketBuffer();
    System.arraycopy(inner, 0, buf.array(), PacketBuffer.HEADROOM, inner.length);
    a.plane.outbound().onInnerPacket(buf, PacketBuffer.HEADROOM, inner.length);
  }

  /** Ends A's inner batch; returns what A sent since, each also delivered to B. */
  public List<Outer> endBatch() {
    a.plane.outbound().onBatchEnd();
    return deliver();
  }

  public void policy(TunnelMtuPolicy p) {
    a.plane.outbound().mtuPolicy(p);
  }

  public io.ipsecmesh.esp.df.DfSwitchingSender aUdpSender() {
    return a.plane.outbound().udpSender();
  }

  public FragmentStats stats() {
    return a.plane.outbound().fragmentStats();
  }

  /** The inner packets B wrote to its LAN since the last call. */
  public List<byte[]> receivedAtB() throws InterruptedException {
    List<byte[]> got = new ArrayList<>();
    for (byte[] p; (p = b.port.poll(0)) != null; ) {
      got.add(p);
    }
    return got;
  }

  private List<Outer> deliver() {
    List<Outer> out = new ArrayList<>(a.sent);
    a.sent.clear();
    for (Outer o : out) {
      System.arraycopy(o.esp(), 0, b.rx.array(), PacketBuffer.HEADROOM, o.esp().length);
      b.plane.inbound().onEsp(b.rx, PacketBuffer.HEADROOM, o.esp().length, A_WAN);
    }
    return out;
  }

  /** One gateway: its data plane, inner port, and (for A) what its outer socket sent. */
  static final class GatewayPlane implements EspSender, DfSwitch {
    final InProcessPacketPort port = new InProcessPacketPort("test");
    final DataPlane plane;
    final PacketBuffer rx = new PacketBuffer();
    final List<Outer> sent = new ArrayList<>();
    private final List<byte[]> batch = new ArrayList<>();
    private boolean socketDf;
    private int batches;

    GatewayPlane(GatewayConfig config) {
      SaDatabase sad = new SaDatabase(p -> {});
      plane = new DataPlane(sad, port, new DfSwitchingSender(this, this), (m, s, l) -> {});
      KeyWrap wrap = KeyWrap.fromEnvironment();
      SaFactory factory = new SaFactory(wrap, Libc.AF_INET);
      sad.setSpd(SecurityPolicyDatabase.build(config));
      for (ChildSa sa : ManualKeying.childSas(config, wrap, p -> {
        throw new AssertionError(p);
      })) {
        SaPair p = factory.build(sa, true, sad.spd());
        p.outbound().startAt(1, 1 << 20);
        sad.install(p);
      }
      port.start(plane.outbound());
    }

    SaPair sa() {
      return plane.sad().pairs().get(0);
    }

    @Override
    public boolean dontFragment(boolean df) {
      if (!batch.isEmpty()) {
        throw new AssertionError("DF switched with a batch pending");
      }
      socketDf = df;
      return true;
    }

    // a batching sender, like UDP GSO: packets wait for flush, DF is the socket's at flush time
    @Override
    public boolean batching() {
      return true;
    }

    @Override
    public boolean fits(int len, PeerEndpoint peer) {
      return batch.size() < 64;
    }

    @Override
    public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
      batch.add(Arrays.copyOfRange(buf.array(), off, off + len));
      return true;
    }

    @Override
    public int flush() {
      batches++;
      for (byte[] p : batch) {
        sent.add(new Outer(p, socketDf, batches));
      }
      batch.clear();
      return 0;
    }

    @Override
    public int family() {
      return Libc.AF_INET;
    }
  }
}

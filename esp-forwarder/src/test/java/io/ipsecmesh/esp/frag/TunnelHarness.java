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

  /** An ICMPv6 message A sent towards an inner IPv6 source. */
  public record Icmp6(byte[] message, long dstHi, long dstLo) {}

  /** LAN A's and LAN B's IPv6 prefixes in the dual-stack harness. */
  static final String LAN_A6 = "fd91:31::";
  static final String LAN_B6 = "fd91:32::";

  final GatewayPlane a;
  final GatewayPlane b;
  private final InetSocketAddress aWan;
  public final List<Icmp> icmp = new ArrayList<>();
  public final List<Icmp6> icmp6 = new ArrayList<>();

  public TunnelHarness() {
    a = new GatewayPlane(ManualKeyConfigs.gatewayA("172.31.249.1", "172.31.249.2", "10.91.31.0", "10.91.32.0"));
    b = new GatewayPlane(ManualKeyConfigs.gatewayB("172.31.249.2", "172.31.249.1", "10.91.32.0", "10.91.31.0"));
    aWan = A_WAN;
    a.plane.outbound().icmpSender((m, len, dst) -> icmp.add(new Icmp(Arrays.copyOf(m, len), dst)));
  }

  /**
   * Dual-stack LANs (also {@link #LAN_A6}/64 and {@link #LAN_B6}/64, an IPv6 crypto map beside the IPv4 one) over a
   * WAN of the family of {@code wanA}/{@code wanB}, ESP-in-UDP: A's outer senders are its IPv4 and IPv6 sockets.
   */
  public TunnelHarness(String wanA, String wanB) {
    a = new GatewayPlane(ManualKeyConfigs.dualStack(true, wanA, wanB, "10.91.31.0", "10.91.32.0", LAN_A6, LAN_B6,
        true));
    b = new GatewayPlane(ManualKeyConfigs.dualStack(false, wanB, wanA, "10.91.32.0", "10.91.31.0", LAN_B6, LAN_A6,
        true));
    aWan = new InetSocketAddress(wanA, 4500);
    a.plane.outbound().icmpSender((m, len, dst) -> icmp.add(new Icmp(Arrays.copyOf(m, len), dst)));
    a.plane.outbound().icmp6Sender((m, len, hi, lo) -> icmp6.add(new Icmp6(Arrays.copyOf(m, len), hi, lo)));
  }

  /** An IPv6 UDP packet from {@code fd91:31::10} to {@code fd91:32::10} of {@code len} bytes in all. */
  public static byte[] inner6(int len) {
    byte[] src = new byte[16];
    byte[] dst = new byte[16];
    src[0] = dst[0] = (byte) 0xfd;
    src[1] = dst[1] = (byte) 0x91;
    src[3] = 0x31;
    dst[3] = 0x32;
    src[15] = dst[15] = 0x10;
    return io.ipsecmesh.esp.Packets.udp6(src, dst, len - 48);
  }

  /** A's pair of crypto map {@code map} (the dual-stack harness has VPN and VPN6). */
  public io.ipsecmesh.esp.fwd.SaPair aPair(String map) {
    return a.plane.sad().pairs().stream().filter(p -> p.sa().cryptoMap().equals(map)).findFirst().orElseThrow();
  }

  public io.ipsecmesh.esp.fwd.ForwarderStats aStats() {
    return a.plane.stats();
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
      b.plane.inbound().onEsp(b.rx, PacketBuffer.HEADROOM, o.esp().length, aWan);
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
      // the same capture serves as the IPv6 socket (no DF switch: an IPv6 outer header has no DF bit)
      plane = new DataPlane(sad, port, new DfSwitchingSender(this, this), null, new DfSwitchingSender(this,
          io.ipsecmesh.esp.df.DfSwitch.NONE), null, (m, s, l) -> {});
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

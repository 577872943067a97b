package io.ipsecmesh.esp.ezvpn;

import io.ipsecmesh.esp.fwd.InnerTranslation;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.Ip128;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * Easy VPN remote client mode: the whole inside network leaves through the tunnel as the one address Mode Config
 * assigned (Cisco Easy VPN Remote, "Client Mode": "PAT ... the hosts on the inside network are translated to the
 * assigned address"), so the Child SA's selectors are that address to the split include. Port address translation
 * of TCP and UDP source ports and of the ICMP echo identifier (RFC 3022 §2.2 NAPT, RFC 5508 §3.1 for ICMP queries);
 * checksums are adjusted incrementally (RFC 1624 §3). Other protocols, non-first fragments and ICMP errors cannot
 * be mapped and are dropped and counted.
 *
 * <p>One table serves both directions without a second index: a mapping lives in slot {@code i}, and its
 * translated port (or identifier) is {@code PORT_BASE + i}, so the return packet's destination port is its slot.
 * The outbound path finds the slot by open addressing on a hash of (inside address, port, protocol), at most
 * {@link #PROBES} probes, and reuses a slot idle for {@link #IDLE_NANOS}; a full neighbourhood drops the packet
 * ({@link #tableFull}). Each slot is one {@code long} (inside address, port, protocol, in use), written by the
 * outbound thread with release and read by the inbound thread with acquire, so a return packet sees a whole
 * mapping or none. No allocation per packet.
 */
public final class ClientModePat implements InnerTranslation {

  /** The translated ports: 49152–65535, the dynamic range (RFC 6335 §6), one per slot. */
  public static final int PORT_BASE = 49152;
  static final int SLOTS = 65536 - PORT_BASE;
  static final int PROBES = 32;
  /** A mapping unused this long may be taken by another flow (IOS's default PAT timeout for UDP is 5 min). */
  static final long IDLE_NANOS = 300_000_000_000L;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int ICMP = 1;
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final long IN_USE = 1L << 56;

  private final int address;
  private final long addressLo;
  private final long[] slots = new long[SLOTS];
  private final long[] lastUsed = new long[SLOTS];
  private final LongSupplier nanoClock;

  /** Packets translated on the way out and back (outbound thread, inbound thread). */
  public long translatedOut;
  public long translatedIn;
  /** Dropped: a protocol or fragment PAT cannot map; no free slot; a return packet to an unmapped port. */
  public long unmappable;
  public long tableFull;
  public long noMapping;

  /** @param assignedAddress the Mode Config INTERNAL_IP4_ADDRESS, dotted */
  public ClientModePat(String assignedAddress, LongSupplier nanoClock) {
    this.address = ipv4(assignedAddress);
    this.addressLo = Ip128.v4Lo(address);
    this.nanoClock = nanoClock;
  }

  public ClientModePat(String assignedAddress) {
    this(assignedAddress, System::nanoTime);
  }

  /** The assigned address, dotted. */
  public String address() {
    return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
  }

  @Override
  public boolean outbound(byte[] a, int off, int len, FlowKey flow) {
    if (flow.version != 4 || flow.srcLo == addressLo) {
      return true; // IPv6 is not translated (IPv4 Mode Config); the assigned address itself needs nothing
    }
    int ihl = (a[off] & 0x0F) * 4;
    int l4 = off + ihl;
    int end = off + u16(a, off + 2);
    int proto = flow.protocol;
    if ((u16(a, off + 6) & 0x3FFF) != 0) {
      unmappable++; // a fragment: only the first one has ports (IOS reassembles virtually; we do not)
      return false;
    }
    int portOffset = portOffset(a, l4, end, proto, true);
    if (portOffset < 0) {
      unmappable++;
      return false;
    }
    int insideAddr = i32(a, off + 12);
    int insidePort = u16(a, portOffset);
    long key = IN_USE | (insideAddr & 0xFFFF_FFFFL) << 24 | (long) insidePort << 8 | proto;
    int slot = slotFor(key);
    if (slot < 0) {
      tableFull++;
      return false;
    }
    int newPort = PORT_BASE + slot;
    // IP header: the source address; its checksum (RFC 1624 eqn. 3)
    writeI32(a, off + 12, address);
    int ipSum = adjust32(u16(a, off + 10), insideAddr, address);
    writeU16(a, off + 10, ipSum);
    writeU16(a, portOffset, newPort);
    fixTransportChecksum(a, l4, end, proto, insideAddr, address, insidePort, newPort);
    flow.srcLo = addressLo;
    if (proto != ICMP) {
      flow.srcPort = newPort;
    }
    translatedOut++;
    return true;
  }

  @Override
  public boolean inbound(byte[] a, int off, int len, FlowKey flow) {
    if (flow.version != 4 || flow.dstLo != addressLo) {
      return true;
    }
    int ihl = (a[off] & 0x0F) * 4;
    int l4 = off + ihl;
    int end = off + u16(a, off + 2);
    int proto = flow.protocol;
    int portOffset = (u16(a, off + 6) & 0x3FFF) != 0 ? -1 : portOffset(a, l4, end, proto, false);
    if (portOffset < 0) {
      unmappable++;
      return false;
    }
    int port = u16(a, portOffset);
    int slot = port - PORT_BASE;
    long key = slot < 0 || slot >= SLOTS ? 0 : (long) SLOT.getAcquire(slots, slot);
    if ((key & IN_USE) == 0 || (key & 0xFF) != proto) {
      noMapping++;
      return false;
    }
    int insideAddr = (int) (key >>> 24);
    int insidePort = (int) (key >>> 8) & 0xFFFF;
    writeI32(a, off + 16, insideAddr);
    writeU16(a, off + 10, adjust32(u16(a, off + 10), address, insideAddr));
    writeU16(a, portOffset, insidePort);
    fixTransportChecksum(a, l4, end, proto, address, insideAddr, port, insidePort);
    flow.dstLo = Ip128.v4Lo(insideAddr);
    if (proto != ICMP) {
      flow.dstPort = insidePort;
    }
    translatedIn++;
    return true;
  }

  /**
   * Where the 16-bit value PAT rewrites sits: the TCP/UDP source (outbound) or destination port, the ICMP echo
   * request's (outbound) or echo reply's identifier; -1 when the packet has none or is truncated.
   */
  private static int portOffset(byte[] a, int l4, int end, int proto, boolean outbound) {
    return switch (proto) {
      case TCP -> l4 + 20 <= end ? l4 + (outbound ? 0 : 2) : -1;
      case UDP -> l4 + 8 <= end ? l4 + (outbound ? 0 : 2) : -1;
      case ICMP -> l4 + 8 <= end && (a[l4] & 0xFF) == (outbound ? 8 : 0) ? l4 + 4 : -1;
      default -> -1;
    };
  }

  /** The slot of {@code key}: its own, else a free or idle one near its hash; -1 when there is none. */
  private int slotFor(long key) {
    long now = nanoClock.getAsLong();
    int start = hash(key);
    int free = -1;
    for (int i = 0; i < PROBES; i++) {
      int s = (start + i) & (SLOTS - 1);
      long k = slots[s];
      if (k == key) {
        lastUsed[s] = now;
        return s;
      }
      if (free < 0 && (k == 0 || now - lastUsed[s] > IDLE_NANOS)) {
        free = s;
      }
    }
    if (free >= 0) {
      lastUsed[free] = now;
      SLOT.setRelease(slots, free, key);
    }
    return free;
  }

  private static int hash(long key) {
    long h = key * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h >>> 40) & (SLOTS - 1);
  }

  /**
   * TCP and UDP checksums cover the pseudo-header's addresses and the port; ICMP's covers the identifier only. A
   * UDP checksum of zero means none (RFC 768) and stays zero; a computed zero is sent as all ones.
   */
  private static void fixTransportChecksum(byte[] a, int l4, int end, int proto, int oldAddr, int newAddr,
      int oldPort, int newPort) {
    int at = switch (proto) {
      case TCP -> l4 + 16;
      case UDP -> l4 + 6;
      default -> l4 + 2;
    };
    int sum = u16(a, at);
    if (proto == UDP && sum == 0) {
      return;
    }
    if (proto != ICMP) {
      sum = adjust32(sum, oldAddr, newAddr);
    }
    sum = adjust16(sum, oldPort, newPort);
    if (proto == UDP && sum == 0) {
      sum = 0xFFFF;
    }
    writeU16(a, at, sum);
  }

  /** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
  static int adjust16(int checksum, int oldWord, int newWord) {
    int sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
    sum = (sum & 0xFFFF) + (sum >>> 16);
    sum = (sum & 0xFFFF) + (sum >>> 16);
    return ~sum & 0xFFFF;
  }

  static int adjust32(int checksum, int oldValue, int newValue) {
    return adjust16(adjust16(checksum, oldValue >>> 16, newValue >>> 16), oldValue & 0xFFFF, newValue & 0xFFFF);
  }

  private static int ipv4(String dotted) {
    String[] p = dotted.split("\\.");
    if (p.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + dotted);
    }
    int v = 0;
    for (String s : p) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + dotted);
      }
      v = v << 8 | b;
    }
    return v;
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  private static int i32(byte[] b, int off) {
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
  }

  private static void writeU16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  private static void writeI32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}

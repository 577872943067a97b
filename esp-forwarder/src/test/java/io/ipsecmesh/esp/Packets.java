package io.ipsecmesh.esp;

/** Builds inner test packets (IPv4/IPv6 with valid header checksums). */
public final class Packets {

  private Packets() {}

  /** An IPv4 UDP packet from src:sport to dst:dport with {@code payload} bytes of 0x5A. */
  public static byte[] udp4(int[] src, int[] dst, int sport, int dport, int payload) {
    int len = 20 + 8 + payload;
    byte[] p = new byte[len];
    p[0] = 0x45;
    p[2] = (byte) (len >>> 8);
    p[3] = (byte) len;
    p[6] = 0x40; // DF
    p[8] = 64;
    p[9] = 17;
    for (int i = 0; i < 4; i++) {
      p[12 + i] = (byte) src[i];
      p[16 + i] = (byte) dst[i];
    }
    int c = checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
    p[20] = (byte) (sport >>> 8);
    p[21] = (byte) sport;
    p[22] = (byte) (dport >>> 8);
    p[23] = (byte) dport;
    p[24] = (byte) ((8 + payload) >>> 8);
    p[25] = (byte) (8 + payload);
    for (int i = 28; i < len; i++) {
      p[i] = 0x5A;
    }
    return p;
  }

  /** An IPv4 ICMP packet (type 8 echo request, 0 echo reply) with identifier and sequence, checksums valid. */
  public static byte[] icmp4(int[] src, int[] dst, int type, int id, int seq) {
    byte[] p = udp4(src, dst, 0, 0, 24);
    p[9] = 1;
    fixIpv4Checksum(p);
    java.util.Arrays.fill(p, 20, 28, (byte) 0);
    p[20] = (byte) type;
    p[24] = (byte) (id >>> 8);
    p[25] = (byte) id;
    p[27] = (byte) seq;
    int c = checksum(p, 20, p.length - 20);
    p[22] = (byte) (c >>> 8);
    p[23] = (byte) c;
    return p;
  }

  /** Recomputes the IPv4 header checksum after a test changed a header field. */
  public static void fixIpv4Checksum(byte[] p) {
    p[10] = 0;
    p[11] = 0;
    int c = checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
  }

  /** A minimal IPv6 UDP packet (checksum not computed: the data plane does not look at it). */
  public static byte[] udp6(byte[] src16, byte[] dst16, int payload) {
    int len = 40 + 8 + payload;
    byte[] p = new byte[len];
    p[0] = 0x60;
    p[4] = (byte) ((8 + payload) >>> 8);
    p[5] = (byte) (8 + payload);
    p[6] = 17;
    p[7] = 64;
    System.arraycopy(src16, 0, p, 8, 16);
    System.arraycopy(dst16, 0, p, 24, 16);
    p[40] = 0x30;
    p[42] = 0x30;
    return p;
  }

  public static int checksum(byte[] b, int off, int len) {
    long sum = 0;
    for (int i = 0; i + 1 < len; i += 2) {
      sum += (b[off + i] & 0xFF) << 8 | (b[off + i + 1] & 0xFF);
    }
    if ((len & 1) != 0) {
      sum += (b[off + len - 1] & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }
}

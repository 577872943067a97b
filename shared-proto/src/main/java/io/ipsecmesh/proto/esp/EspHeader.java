package io.ipsecmesh.proto.esp;

/**
 * The fixed ESP header of RFC 4303 §2: Security Parameters Index (32 bits) then Sequence Number
 * (the low 32 bits of the SA's counter; with ESN the high 32 bits are never sent, §2.2.1). Both
 * are in network byte order. Pure codec: reads and writes into a caller's {@code byte[]}.
 */
public final class EspHeader {
  /** Offset of the SPI from the start of the ESP header. */
  public static final int SPI_OFFSET = 0;
  /** Offset of the 32-bit sequence number from the start of the ESP header. */
  public static final int SEQ_OFFSET = 4;
  /** SPI + sequence number. */
  public static final int BYTES = 8;
  /** Pad Length + Next Header, the two bytes that close the encrypted part (§2.4, §2.6). */
  public static final int TRAILER_BYTES = 2;
  /** SPI values 1..255 are reserved by IANA and 0 is local-only (§2.1): never on the wire. */
  public static final int MIN_WIRE_SPI = 256;
  /**
   * The first of the 256 SPIs 0xFFFFFF00–0xFFFFFFFF this implementation never allocates for an inbound SA: the
   * esp-forwarder's reuseport steering program reads a UDP payload starting with one of them as a probe for socket
   * index {@code spi & 0xFF} (esp-forwarder {@code steer.SteeringProbe}). A manually keyed SA in this range still
   * works, only without kernel steering.
   */
  public static final long FIRST_PROBE_SPI = 0xFFFF_FF00L;

  /** Whether ike-service may choose {@code spi} (unsigned) as an inbound SPI: on the wire and not a probe SPI. */
  public static boolean allocatable(long spi) {
    return spi >= MIN_WIRE_SPI && spi < FIRST_PROBE_SPI;
  }

  private EspHeader() {}

  public static int readSpi(byte[] buf, int espOff) {
    return readInt(buf, espOff + SPI_OFFSET);
  }

  /** The on-wire (low 32 bits) sequence number as an unsigned value. */
  public static long readSeqLow(byte[] buf, int espOff) {
    return readInt(buf, espOff + SEQ_OFFSET) & 0xFFFF_FFFFL;
  }

  /** The raw sequence number field, as {@code ReplayWindow.checkAndInferSeq(int)} takes it. */
  public static int readSeqField(byte[] buf, int espOff) {
    return readInt(buf, espOff + SEQ_OFFSET);
  }

  /** Writes SPI and the low 32 bits of {@code seq64}. */
  public static void write(byte[] buf, int espOff, int spi, long seq64) {
    writeInt(buf, espOff + SPI_OFFSET, spi);
    writeInt(buf, espOff + SEQ_OFFSET, (int) seq64);
  }

  public static int readInt(byte[] buf, int off) {
    return (buf[off] & 0xFF) << 24 | (buf[off + 1] & 0xFF) << 16 | (buf[off + 2] & 0xFF) << 8 | buf[off + 3] & 0xFF;
  }

  public static void writeInt(byte[] buf, int off, int v) {
    buf[off] = (byte) (v >>> 24);
    buf[off + 1] = (byte) (v >>> 16);
    buf[off + 2] = (byte) (v >>> 8);
    buf[off + 3] = (byte) v;
  }

  public static void writeLong(byte[] buf, int off, long v) {
    writeInt(buf, off, (int) (v >>> 32));
    writeInt(buf, off + 4, (int) v);
  }

  public static long readLong(byte[] buf, int off) {
    return (long) readInt(buf, off) << 32 | readInt(buf, off + 4) & 0xFFFF_FFFFL;
  }
}

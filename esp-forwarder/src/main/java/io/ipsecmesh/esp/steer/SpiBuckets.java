package io.ipsecmesh.esp.steer;

import io.ipsecmesh.proto.cluster.RendezvousHash;
import java.util.Collection;

/**
 * The unit of forwarder ownership in scale-out: an inbound SPI's bucket, its low 8 bits. A Child SA pair belongs to
 * the owner of its bucket, the rendezvous hash of the bucket over the live instances; so ownership is a table of
 * 256 entries, which a reuseport program ({@link ReuseportProgram}) can express in the kernel, and a dead instance's
 * buckets alone move (rendezvous hashing). ike-service chooses inbound SPIs at random (RFC 4303 §2.1), so the
 * buckets fill evenly.
 */
public final class SpiBuckets {

  public static final int COUNT = 256;

  private SpiBuckets() {}

  /** The bucket of an inbound SPI (unsigned 32-bit value, or the wire's signed int). */
  public static int bucket(long spi) {
    return (int) (spi & 0xFF);
  }

  /** The rendezvous key of a bucket: {@code "bucket-" + two hex digits}. */
  public static String key(int bucket) {
    return String.format("bucket-%02x", bucket);
  }

  /** The owner of every bucket for {@code members} (null entries when there are none). */
  public static String[] owners(Collection<String> members) {
    String[] owners = new String[COUNT];
    for (int b = 0; b < COUNT; b++) {
      owners[b] = RendezvousHash.owner(key(b), members);
    }
    return owners;
  }
}

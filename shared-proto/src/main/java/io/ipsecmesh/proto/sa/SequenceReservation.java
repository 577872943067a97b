package io.ipsecmesh.proto.sa;

/**
 * One entry of {@link SharedMaps#SEQUENCE_RESERVATIONS}: the highest outbound ESP sequence number any forwarder
 * reserved for the Child SA {@code saId} (and, after the SA was deleted, its tombstone). Written and read only as
 * {@code RecordJson} with a {@code $mac} under HKDF(KEK, {@code record-mac}) over the record type and every field:
 * a process that reaches the Hazelcast port but holds no KEK cannot lower a mark (the nonce an AEAD would then
 * repeat, RFC 4106 §2), plant one, or copy the mark of one SA onto another — {@code saId} is inside the MAC and a
 * reader checks it against the map key it read the entry under.
 *
 * @param saId      the {@link ChildSa#saId()} this mark belongs to: the associated data that binds it to its key
 * @param highWater the highest sequence number reserved, 1 … 2^32-1 (2^63-1 with ESN)
 */
@io.ipsecmesh.proto.config.Authenticated
public record SequenceReservation(String saId, long highWater) {

  public SequenceReservation {
    if (saId == null || saId.isEmpty()) {
      throw new IllegalArgumentException("no saId");
    }
    if (highWater < 0) {
      throw new IllegalArgumentException("negative high-water mark");
    }
  }
}

package io.ipsecmesh.proto.sa;

import java.util.Arrays;
import java.util.List;

/**
 * What another ike-service instance needs to continue an established IKEv1 (ISAKMP) SA without a new Main
 * Mode, as its owner writes it after every completed exchange — the IKEv1 counterpart of {@link IkeCheckpoint},
 * stored the same way (sealed, {@link IsakmpCheckpointCodec#seal}) in {@link SharedMaps#IKE_CHECKPOINTS} under the
 * cookie pair. RFC 2409 keys every later exchange from phase 1: SKEYID_d (Quick Mode KEYMAT, §5.5), SKEYID_a (the
 * HASHes of Quick Mode and informationals, §5.5, §5.7), the encryption key from SKEYID_e, and the last phase-1 CBC
 * block, from which each phase-2 and informational IV is derived with its message ID (Appendix B). Message IDs
 * already used are listed so a replayed Quick Mode or informational stays a replay (RFC 2408 §3.1); our DPD
 * sequence number (RFC 3706 §7) continues {@link #DPD_SEQUENCE_JUMP} further at the adopter.
 *
 * @param initiator           we started Main Mode (or Aggressive Mode)
 * @param connId              IOS conn-id, kept across the takeover
 * @param expiresAtEpochMillis wall-clock end of the phase-1 lifetime ({@code crypto isakmp policy … lifetime})
 * @param aesKeyBits          the phase-1 AES key length (ignored with {@code tripleDes})
 * @param hash                the phase-1 hash by its IOS name ({@code sha256} …), also the prf
 * @param keymat              {@code SKEYID | SKEYID_d | SKEYID_a | SKEYID_e} (each one prf output) {@code | the
 *                            encryption key} (RFC 2409 §5, Appendix B)
 * @param phase1Iv            the last CBC block of phase 1, the base of every phase-2 IV (Appendix B)
 * @param dpdSequence         the sequence number of our last R-U-THERE, 0 when none was sent (RFC 3706 §7)
 * @param usedMessageIds      message IDs of finished Quick Modes and of informationals (ours and the peer's)
 * @param childSas            the Child SAs, each a {@link ChildSa} as {@code RecordJson} writes it (MAC'd, keys sealed)
 * @param owner               the ike-service instance that wrote the record
 * @param generation          how many checkpoints of this SA were written before
 */
public record IsakmpCheckpoint(
    boolean initiator,
    long cookieI,
    long cookieR,
    int connId,
    long createdEpochMillis,
    long expiresAtEpochMillis,
    String cryptoMap,
    int mapSequence,
    String localAddress,
    int localPort,
    String peerAddress,
    int peerPort,
    boolean natDetected,
    boolean peerNatT,
    boolean peerDpd,
    boolean aggressive,
    String peerId,
    int aesKeyBits,
    boolean tripleDes,
    String hash,
    int dhGroup,
    long lifetimeSeconds,
    byte[] keymat,
    byte[] phase1Iv,
    long dpdSequence,
    List<Long> usedMessageIds,
    List<String> childSas,
    String owner,
    long generation) {

  /**
   * How far an adopter moves our R-U-THERE sequence number past the checkpointed one: more probes than an owner
   * sends between two checkpoints, so a number is never used twice with one ISAKMP SA (RFC 3706 §7: the peer
   * matches each ACK to its R-U-THERE by it).
   */
  public static final long DPD_SEQUENCE_JUMP = 1L << 16;

  public IsakmpCheckpoint {
    usedMessageIds = List.copyOf(usedMessageIds);
    childSas = List.copyOf(childSas);
  }

  /** The ISAKMP SA id the record is stored under: hex CKY-I:CKY-R, as {@code show crypto isakmp sa} names it. */
  public String isakmpSaId() {
    return IkeCheckpoint.idOf(cookieI, cookieR);
  }

  /** Our next R-U-THERE sequence number at an adopter of this record (0 stays 0: no probe sent yet). */
  public long adoptedDpdSequence() {
    return dpdSequence == 0 ? 0 : (dpdSequence + DPD_SEQUENCE_JUMP) & 0xffffffffL;
  }

  /**
   * The record an adopter writes back by compare-and-set before it continues the SA, as {@link
   * IkeCheckpoint#claimedBy}: owned by {@code adopter}, one generation on, the DPD sequence where the adopter
   * starts. Shares this record's arrays.
   */
  public IsakmpCheckpoint claimedBy(String adopter) {
    return new IsakmpCheckpoint(initiator, cookieI, cookieR, connId, createdEpochMillis, expiresAtEpochMillis,
        cryptoMap, mapSequence, localAddress, localPort, peerAddress, peerPort, natDetected, peerNatT, peerDpd,
        aggressive, peerId, aesKeyBits, tripleDes, hash, dhGroup, lifetimeSeconds, keymat, phase1Iv,
        adoptedDpdSequence(), usedMessageIds, childSas, adopter, generation + 1);
  }

  /** Zeroes the keys and the CBC state. */
  public void destroy() {
    Arrays.fill(keymat, (byte) 0);
    Arrays.fill(phase1Iv, (byte) 0);
  }

  @Override
  public String toString() {
    // never the keys
    return "IsakmpCheckpoint[" + isakmpSaId() + " peer " + peerAddress + ":" + peerPort + " used M-IDs "
        + usedMessageIds.size() + " children " + childSas.size() + " owner " + owner + " gen " + generation + "]";
  }
}

package io.ipsecmesh.proto.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.SecretBox;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IsakmpCheckpointCodec}: round trip, one sealed map for both IKE versions ({@link
 * IsakmpCheckpointCodec#openAny} by magic), the DPD sequence jump of a claim, malformed input refused.
 */
class IsakmpCheckpointCodecTest {

  static IsakmpCheckpoint sample() {
    byte[] keymat = new byte[4 * 32 + 32];
    for (int i = 0; i < keymat.length; i++) {
      keymat[i] = (byte) (i * 17 + 3);
    }
    byte[] iv = new byte[16];
    Arrays.fill(iv, (byte) 0x5a);
    return new IsakmpCheckpoint(false, 0x0102030405060708L, 0x1112131415161718L, 500_003, 1_700_000_000_000L,
        1_700_086_400_000L, "vpn", 10, "172.31.255.2", 4500, "172.31.255.1", 14500, true, true, true, false,
        "172.31.255.1", 256, false, "sha256", 19, 86_400, keymat, iv, 0x7fff_fff0L,
        List.of(1L, 0xffffffffL, 0x12345678L), List.of("{\"inboundSpi\":1}"), "ike-2", 4);
  }

  @Test
  void aCheckpointDecodesToWhatWasEncoded() throws Exception {
    IsakmpCheckpoint c = sample();
    IsakmpCheckpoint back = IsakmpCheckpointCodec.decode(IsakmpCheckpointCodec.encode(c));
    assertArrayEquals(c.keymat(), back.keymat());
    assertArrayEquals(c.phase1Iv(), back.phase1Iv());
    assertEquals(withoutArrays(c), withoutArrays(back));
  }

  @Test
  void bothVersionsShareTheSealedMapAndAreToldApartByTheirMagic() throws Exception {
    SecretBox box = new SecretBox(IkeCheckpointCodecTest.KEK, IkeCheckpointCodec.SEAL_PURPOSE);
    IsakmpCheckpoint v1 = sample();
    IkeCheckpoint v2 = IkeCheckpointCodecTest.sample();
    String sealedV1 = IsakmpCheckpointCodec.seal(box, v1);
    assertFalse(sealedV1.contains(v1.peerAddress()), "nothing in clear");
    assertInstanceOf(IsakmpCheckpoint.class, IsakmpCheckpointCodec.openAny(box, v1.isakmpSaId(), sealedV1));
    assertInstanceOf(IkeCheckpoint.class,
        IsakmpCheckpointCodec.openAny(box, v2.ikeSaId(), IkeCheckpointCodec.seal(box, v2)));
    // under another key, or another KEK: refused
    assertThrows(MalformedCheckpointException.class,
        () -> IsakmpCheckpointCodec.openAny(box, IkeCheckpoint.idOf(1, 2), sealedV1));
    assertThrows(MalformedCheckpointException.class, () -> IsakmpCheckpointCodec.openAny(
        new SecretBox(IkeCheckpointCodecTest.OTHER_KEK, IkeCheckpointCodec.SEAL_PURPOSE), v1.isakmpSaId(), sealedV1));
    // sealed under one key but naming another SA
    String planted = box.seal(IsakmpCheckpointCodec.encode(v1), CheckpointWire.associatedData(
        IkeCheckpoint.idOf(1, 2)));
    MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
        () -> IsakmpCheckpointCodec.openAny(box, IkeCheckpoint.idOf(1, 2), planted));
    assertTrue(e.getMessage().contains("is of"), e.getMessage());
  }

  @Test
  void aClaimMovesTheDpdSequencePastEveryNumberTheOwnerMayHaveUsedModulo2To32() {
    IsakmpCheckpoint c = sample();
    IsakmpCheckpoint claim = c.claimedBy("ike-3");
    assertEquals(c.dpdSequence() + IsakmpCheckpoint.DPD_SEQUENCE_JUMP, claim.dpdSequence());
    assertEquals("ike-3", claim.owner());
    assertEquals(c.generation() + 1, claim.generation());
    IsakmpCheckpoint wrapped = new IsakmpCheckpoint(false, 1, 2, 0, 0, 0, "", 0, "", 0, "", 0, false, false, false,
        false, "", 128, false, "sha256", 14, 1, new byte[0], new byte[0], 0xffff_fff0L, List.of(), List.of(), "", 0);
    assertEquals((0xffff_fff0L + IsakmpCheckpoint.DPD_SEQUENCE_JUMP) & 0xffffffffL, wrapped.adoptedDpdSequence());
    IsakmpCheckpoint none = wrapped.claimedBy("x").claimedBy("y");
    assertTrue(none.dpdSequence() >= 0 && none.dpdSequence() <= 0xffffffffL);
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsRefused() {
    byte[] full = IsakmpCheckpointCodec.encode(sample());
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
          () -> IsakmpCheckpointCodec.decode(cut), "truncated to " + n);
      assertTrue(e.getMessage().startsWith("truncated at") || e.getMessage().contains("magic"), e.getMessage());
    }
    assertThrows(MalformedCheckpointException.class,
        () -> IsakmpCheckpointCodec.decode(Arrays.copyOf(full, full.length + 1)));
  }

  /** Random bytes and single-byte mutations of a valid record: only MalformedCheckpointException, never more. */
  @Test
  void randomAndMutatedInputOnlyYieldsMalformedCheckpoint() {
    int refused = MutatedCheckpoints.refused(0x13_02L, IsakmpCheckpointCodec.encode(sample()),
        IsakmpCheckpointCodec.MAGIC, IsakmpCheckpointCodec::decode);
    assertTrue(refused > MutatedCheckpoints.INPUTS / 2, "most random input is refused: " + refused);
  }

  private static List<Object> withoutArrays(IsakmpCheckpoint c) {
    return List.of(c.initiator(), c.cookieI(), c.cookieR(), c.connId(), c.createdEpochMillis(),
        c.expiresAtEpochMillis(), c.cryptoMap(), c.mapSequence(), c.localAddress(), c.localPort(), c.peerAddress(),
        c.peerPort(), c.natDetected(), c.peerNatT(), c.peerDpd(), c.aggressive(), c.peerId(), c.aesKeyBits(),
        c.tripleDes(), c.hash(), c.dhGroup(), c.lifetimeSeconds(), c.dpdSequence(), c.usedMessageIds(),
        c.childSas(), c.owner(), c.generation());
  }
}

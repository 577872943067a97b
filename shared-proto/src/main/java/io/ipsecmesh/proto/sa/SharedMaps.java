package io.ipsecmesh.proto.sa;

/**
 * Names of the Hazelcast structures that hold shared state. Values are JSON strings written with
 * {@link io.ipsecmesh.proto.bus.RecordJson}, so no Java deserialisation ever reads cluster input.
 */
public final class SharedMaps {

  /** The active configuration: key {@link #ACTIVE} → running-config text; key "version" → number. */
  public static final String CONFIG = "ipsec.config";
  public static final String ACTIVE = "active";
  /** inbound SPI (8 hex digits) → {@link ChildSa} JSON. */
  public static final String CHILD_SAS = "ipsec.child-sa";
  /** IKE SA id → IKE SA summary JSON, for {@code show crypto isakmp sa}. */
  public static final String IKE_SAS = "ipsec.ike-sa";
  /** inbound SPI → per-SA counters JSON, refreshed by the owning forwarder about once a second. */
  public static final String SA_COUNTERS = "ipsec.sa-counters";
  /**
   * {@link ChildSa#saId()} → highest outbound ESP sequence number reserved by any forwarder, a MAC'd
   * {@link SequenceReservation} JSON bound to its key (a forwarder refuses any other value). A
   * forwarder writes a block here before it uses a number of it, so a restarted or replacement forwarder
   * resumes above every number that may have been sent; never keyed by the peer-chosen SPI alone.
   */
  public static final String SEQUENCE_RESERVATIONS = "ipsec.seq-reservations";
  /** Easy VPN remote name → {@link EzvpnStatus} JSON (MAC'd), for {@code show crypto ipsec client ezvpn}. */
  public static final String EZVPN = "ipsec.ezvpn";

  /**
   * IKE SA id (hex SPIi:SPIr) → {@link IkeCheckpoint}, sealed ({@link IkeCheckpointCodec#seal}) under
   * HKDF(KEK, {@value IkeCheckpointCodec#SEAL_PURPOSE}) with the key as associated data: written by the IKE SA's
   * owner after every completed exchange, removed with the SA, adopted by the next owner when the owner dies.
   */
  public static final String IKE_CHECKPOINTS = "ike.checkpoints";

  private SharedMaps() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * The low 32 bits of {@code spi} as 8 lower-case hex digits, zero-padded: the key of {@link #CHILD_SAS}. Built
   * by hand rather than with {@code String.format("%08x", ...)}: it runs several times per SA on the event loop,
   * and the formatter parses its pattern on every call.
   */
  public static String spiKey(long spi) {
    char[] out = new char[8];
    int v = (int) spi;
    for (int i = 7; i >= 0; i--) {
      out[i] = HEX[v & 0xf];
      v >>>= 4;
    }
    return new String(out);
  }
}

package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The state of one IKE SA, owned by the engine's thread: its SPIs, policy, ports, keys and Child SAs, and
 * its {@link TaskManager}. {@link #destroy()} zeroes the secrets.
 */
final class IkeSa {

  enum State {
    /** Initiator: IKE_SA_INIT sent. */
    INIT_SENT,
    /** Responder: IKE_SA_INIT answered, waiting for IKE_AUTH. */
    INIT_DONE,
    /** Initiator: IKE_AUTH sent. */
    AUTH_SENT,
    ESTABLISHED,
    DELETED
  }

  final boolean initiator;
  final long spiI;
  long spiR;
  /** The crypto map entry's policy; a responder may move to another entry for the same peer at IKE_AUTH. */
  PeerPolicy policy;
  /** A CRL the peer's certificate needs, being fetched; set by the AUTH check (event-loop confined). */
  String crlToFetch;
  /** The AUTH check fetched a CRL once already: one that is still missing is unavailable, not fetched again. */
  boolean crlFetched;
  /** What exactly was wrong with a refused certificate, for the log. */
  String refusalDetail;
  final int connId;
  final long createdEpochMillis;
  State state;

  String localAddress;
  int localPort;
  final String peerAddress;
  int peerPort;
  /** NAT detected on either side (§2.23): IKE moves to 4500 and ESP is UDP-encapsulated. */
  boolean natDetected;
  /**
   * Our own side is behind a NAT (the peer's NAT_DETECTION_DESTINATION_IP does not match where we sent
   * from): RFC 7296 §2.23 says we SHOULD NOT then follow the peer's ports as seen in ESP.
   */
  boolean localBehindNat;

  IkeSuite suite;
  DhGroup.Exchange dh;
  byte[] ni;
  byte[] nr;
  byte[] initRequest;
  byte[] initResponse;
  byte[] cookie;
  int initRetries;
  IkeSaKeys keys;
  SkCipher outbound;
  SkCipher inbound;
  String peerId = "";
  /** Key of this SA in {@link IkeSaTable}'s index by peer address and identity; null while not in it. */
  String identityKey;
  /** Both sides sent IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT: large protected messages go in fragments. */
  boolean fragmentation;
  /** Key in the half-open index while the responder waits for IKE_AUTH. */
  String halfOpenKey;
  /** Our inbound SPI proposed for the first Child SA in IKE_AUTH. */
  long firstChildSpi;

  /** The exchanges of this SA: queued and active tasks, both message-ID windows, the reply cache. */
  TaskManager tasks;

  final List<ChildSaState> children = new ArrayList<>();
  Scheduler.Timer lifetimeTimer;
  /** Wall-clock time of the lifetime rekey (0 = none): absolute, so an adopter re-arms the same moment. */
  long rekeyAtEpochMillis;
  /** The ike-service instance holding the SA (scale-out), for {@code show crypto ikev2 sa detailed}; null alone. */
  String owner;
  /** Checkpoints written of this SA (by this and earlier owners); 0 = none, nothing to remove at deletion. */
  long checkpointGeneration;
  /** Set when a rekey replaced this SA: its deletion is then no "peer down" (§2.18). */
  IkeSa rekeyedTo;

  IkeSa(boolean initiator, long spiI, PeerPolicy policy, int connId, String localAddress, int localPort,
      String peerAddress, int peerPort, long createdEpochMillis) {
    this.initiator = initiator;
    this.spiI = spiI;
    this.policy = policy;
    this.connId = connId;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.peerAddress = peerAddress;
    this.peerPort = peerPort;
    this.createdEpochMillis = createdEpochMillis;
  }

  /** Our own SPI: the key under which the engine finds this SA. */
  long localSpi() {
    return initiator ? spiI : spiR;
  }

  /**
   * {@code SPIi:SPIr}, 16 lower-case hex digits each: the IKE SA's key in the shared maps. {@link HexFormat} rather
   * than {@code String.format}: it is made several times per IKE SA on the event loop.
   */
  String id() {
    return HEX.toHexDigits(spiI) + ":" + HEX.toHexDigits(spiR);
  }

  private static final HexFormat HEX = HexFormat.of();
  private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();

  /** Header flags of every message we send: I when we are the original initiator (§3.1). */
  int requestFlags() {
    return initiator ? io.ipsecmesh.proto.ikev2.IkeConstants.FLAG_INITIATOR : 0;
  }

  IkeSaSummary summary(String status) {
    String st = state == State.ESTABLISHED ? "READY" : state == State.DELETED ? "DELETED" : "IN-NEG";
    return new IkeSaSummary(id(), peerAddress, localAddress, st, connId, status, peerId, 2, localPort, peerPort,
        initiator ? "initiator" : "responder", createdEpochMillis, detail());
  }

  /** {@code show crypto ikev2 sa detailed}: the suite in IOS's words (null until IKE_SA_INIT chose one). */
  private IkeSaSummary.Detail detail() {
    if (suite == null) {
      return null;
    }
    String encr = suite.encr() == io.ipsecmesh.ike.crypto.EncrAlgorithm.AES_GCM_16 ? "AES-GCM" : "AES-CBC";
    String hash = suite.integ() == null ? "None" : suite.integ().iosName.toUpperCase(java.util.Locale.ROOT);
    // the policy decides both directions: a keyring PSK, or certificates (RSA signatures)
    String auth = policy.credentials() == null ? "PSK" : "RSA";
    String localId = policy.localId() == null ? localAddress : policy.localId().value();
    long localSpi = initiator ? spiI : spiR;
    long remoteSpi = initiator ? spiR : spiI;
    return new IkeSaSummary.Detail(encr, suite.keyBits(), suite.prf().iosName.toUpperCase(java.util.Locale.ROOT),
        hash, suite.dh().groupId, auth, auth, policy.ikeLifetimeSeconds(), HEX_UPPER.toHexDigits(localSpi),
        HEX_UPPER.toHexDigits(remoteSpi), localId, natDetected, localBehindNat, owner);
  }

  void destroy() {
    state = State.DELETED;
    if (lifetimeTimer != null) {
      lifetimeTimer.cancel();
    }
    if (tasks != null) {
      tasks.destroy();
    }
    if (keys != null) {
      keys.destroy();
    }
    if (outbound != null) {
      outbound.destroy();
    }
    if (inbound != null) {
      inbound.destroy();
    }
    for (byte[] b : new byte[][] {ni, nr}) {
      if (b != null) {
        Arrays.fill(b, (byte) 0);
      }
    }
    dh = null;
  }
}

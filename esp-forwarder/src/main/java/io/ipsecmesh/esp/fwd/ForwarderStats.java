package io.ipsecmesh.esp.fwd;

/**
 * Counters that belong to no SA. Each field has one writer thread (noted), so plain fields suffice;
 * readers (metrics, reporter) tolerate slightly stale values.
 */
public final class ForwarderStats {
  // outer socket thread
  long outerEsp;
  long natKeepalivesReceived;
  long outerMalformed;
  long invalidSpi;
  long ikePunted;
  long inboundDummy;
  // inner reader thread
  long innerPackets;
  long innerMalformed;
  long innerClear;
  long innerNoSa;

  public long outerEsp() {
    return outerEsp;
  }

  public long natKeepalivesReceived() {
    return natKeepalivesReceived;
  }

  public long outerMalformed() {
    return outerMalformed;
  }

  public long invalidSpi() {
    return invalidSpi;
  }

  public long ikePunted() {
    return ikePunted;
  }

  public long innerPackets() {
    return innerPackets;
  }

  public long innerMalformed() {
    return innerMalformed;
  }

  public long innerClear() {
    return innerClear;
  }

  public long innerNoSa() {
    return innerNoSa;
  }
}

package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.vertx.core.json.JsonObject;

/**
 * Deployment settings of ike-service (the verticle's config JSON).
 *
 * @param bindAddress   address of the UDP 500 socket (default 0.0.0.0)
 * @param localAddress  our address as peers see it, for NAT detection and the default identity; null
 *                      = the bind address, or the crypto-map interface address of the configuration
 * @param ikePort       500 unless tests move it
 * @param nattPort      4500
 * @param ownNattSocket open our own UDP 4500 socket: only when the esp-forwarder (the owner of 4500 in
 *                      production) is not deployed, e.g. in the strongSwan interop test
 * @param peerIkePort   where IKE messages for a peer's port 500 go (500; gateways that all listen on one
 *                      unprivileged {@code ike-port}, like the loopback demo without root, set it to that port)
 * @param forceUdpEncapsulation UDP-encapsulate ESP without a NAT (no raw ESP socket without root)
 */
public record IkeServiceSettings(String bindAddress, String localAddress, int ikePort, int nattPort,
    boolean ownNattSocket, String certFile, String keyFile, String caFile, int peerIkePort,
    boolean forceUdpEncapsulation) {

  /**
   * Reads {@code ike-bind-address}, {@code ike-local-address}, {@code ike-port}, {@code ike-natt-port},
   * {@code ike-own-natt-socket}, {@code ike-cert-file}, {@code ike-key-file}, {@code ike-ca-file},
   * {@code ike-peer-port}, {@code ike-force-encap}: command-line flags arrive as strings (ServiceLauncher), JSON configs
   * may use numbers and booleans.
   */
  public static IkeServiceSettings from(JsonObject c) {
    JsonObject j = c == null ? new JsonObject() : c;
    String bind = text(j, "ike-bind-address", "0.0.0.0");
    String local = text(j, "ike-local-address", "0.0.0.0".equals(bind) ? null : bind);
    return new IkeServiceSettings(bind, local, Integer.parseInt(text(j, "ike-port", "500")),
        Integer.parseInt(text(j, "ike-natt-port", "4500")),
        Boolean.parseBoolean(text(j, "ike-own-natt-socket", "false")), text(j, "ike-cert-file", null),
        text(j, "ike-key-file", null), text(j, "ike-ca-file", null),
        Integer.parseInt(text(j, "ike-peer-port", "500")),
        Boolean.parseBoolean(text(j, "ike-force-encap", "false")));
  }

  /**
   * The half-open limits of the IKEv2 engine. {@code ike-cookie-threshold} (default 64) is the number of
   * half-open SAs above which IKE_SA_INIT is answered with a COOKIE: a load test from one address needs
   * it higher, while the protection itself (cookies, the 4096 hard limit, the 30 s half-open timeout) stays.
   * {@code ike-half-open-per-peer} (default 10) caps the half-open SAs of one initiator address (RFC 8019
   * §4; IKEv1 Main Modes too), {@code ike-max-child-sas} (default 64) the Child SAs of one IKE SA (IKEv1:
   * ISAKMP SA). IOS has no per-peer or per-SA command for these (its {@code crypto ikev2 limit} and
   * {@code crypto call admission limit} commands count over all peers), so they are deployment options.
   */
  public static IkeEngine.Limits limits(JsonObject c) {
    JsonObject j = c == null ? new JsonObject() : c;
    IkeEngine.Limits d = IkeEngine.Limits.DEFAULT;
    int threshold = Integer.parseInt(text(j, "ike-cookie-threshold", Integer.toString(d.cookieThreshold())));
    if (threshold < 1 || threshold > d.maxHalfOpen()) {
      throw new IllegalArgumentException("--ike-cookie-threshold must be 1-" + d.maxHalfOpen() + ", got " + threshold);
    }
    int perPeer = Integer.parseInt(text(j, "ike-half-open-per-peer", Integer.toString(d.maxHalfOpenPerPeer())));
    if (perPeer < 1 || perPeer > d.maxHalfOpen()) {
      throw new IllegalArgumentException("--ike-half-open-per-peer must be 1-" + d.maxHalfOpen() + ", got " + perPeer);
    }
    int children = Integer.parseInt(text(j, "ike-max-child-sas", Integer.toString(d.maxChildSas())));
    if (children < 1 || children > 65535) {
      throw new IllegalArgumentException("--ike-max-child-sas must be 1-65535, got " + children);
    }
    return new IkeEngine.Limits(threshold, d.maxHalfOpen(), d.halfOpenTimeoutMillis(), perPeer, children);
  }

  /**
   * {@code ike-shed-backlog-kb} (default {@value #DEFAULT_SHED_BACKLOG_KB}, 0 = off): how many KiB may wait in the IKE
   * socket before the first messages of new IKE SAs are dropped ({@link io.ipsecmesh.ike.dos.NewSaLoadShedder}) —
   * an eighth of the socket's 8 MB, about 800 IKE datagrams. Measured (docs/performance.md, "100 000 IKE SAs"): with
   * 1 MiB the 100 000-SA run held every peer, with 4 MiB the socket went from below the threshold to full between two
   * readings and the run collapsed at 80 000 as without shedding; the price of 1 MiB is that a cold JVM sheds part of
   * a burst of 1 000 new SAs a second (the load test's first batch: 125 of 1 000 retransmitted once).
   *
   * @return the threshold in bytes
   */
  public static long shedBacklogBytes(JsonObject c) {
    JsonObject j = c == null ? new JsonObject() : c;
    long kb = Long.parseLong(text(j, "ike-shed-backlog-kb", Long.toString(DEFAULT_SHED_BACKLOG_KB)));
    if (kb < 0 || kb > 1 << 20) {
      throw new IllegalArgumentException("--ike-shed-backlog-kb must be 0-1048576, got " + kb);
    }
    return kb * 1024;
  }

  public static final long DEFAULT_SHED_BACKLOG_KB = 1024;

  private static String text(JsonObject j, String key, String dflt) {
    Object v = j.getValue(key);
    return v == null ? dflt : String.valueOf(v);
  }

  /** The address we claim as ours when the socket is bound to the wildcard and none is configured. */
  public String effectiveLocalAddress() {
    return localAddress != null ? localAddress : bindAddress;
  }
}

package io.ipsecmesh.ike.seam;

import io.ipsecmesh.proto.bus.MgmtMessages;

/**
 * The switch and the sink of one protocol's IOS debug trace, the same for both versions: {@code debug crypto
 * isakmp} turns IKEv1's on ({@code ISAKMP:(0:conn-id:SW:1):…} lines), {@code debug crypto ikev2} IKEv2's
 * ({@code IKEv2:(SESSION ID = n,SA ID = n):…}); {@code undebug …} turns it off, and off is the default, as on
 * IOS. The verticle reaches a protocol's trace only through {@link IkeProtocol#trace()} and picks it by
 * {@link #facility()}; the protocol's formatter writes the lines. Lines go to the log at INFO (and from there to
 * {@code show logging}); what a protocol traces never holds key material.
 */
public final class DebugTrace {

  private final MgmtMessages.Facility facility;
  private final System.Logger log;
  private volatile boolean on;

  /** @param loggerName the logger the lines go to (one per protocol, so a log filter can pick one version) */
  public DebugTrace(MgmtMessages.Facility facility, String loggerName) {
    this.facility = facility;
    this.log = System.getLogger(loggerName);
  }

  /** The {@code debug crypto} keyword that switches this trace. */
  public MgmtMessages.Facility facility() {
    return facility;
  }

  /** {@code debug crypto …} (true) or {@code undebug …} (false). */
  public void set(boolean enabled) {
    on = enabled;
  }

  /** Whether lines are traced now: formatting a line that would be dropped is skipped by callers. */
  public boolean on() {
    return on;
  }

  /** Logs one trace line when the trace is on. */
  public void line(String text) {
    if (on) {
      log.log(System.Logger.Level.INFO, text);
    }
  }
}

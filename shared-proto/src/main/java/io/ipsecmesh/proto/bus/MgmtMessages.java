package io.ipsecmesh.proto.bus;

import java.util.List;

/** Exec commands from the management API that other services act on, and the log lines they ship back. */
public final class MgmtMessages {

  /** publish: {@link Debug} — {@code debug crypto isakmp|ikev2|ipsec} / {@code undebug}. */
  public static final String DEBUG = "mgmt.debug";
  /** request–reply: {@link ClearSession} → {@link ClearSessionResult} (ike-service deletes with DELETE payloads). */
  public static final String CLEAR_SESSION = "mgmt.clear-session";
  /**
   * publish: {@link LogLines} (or one {@link LogLine}) — every {@code %FACILITY-SEV-MNEMONIC} message and debug trace
   * line a process logs ({@code runtime.BusLogShipper}, which sends the lines of a few milliseconds as one message);
   * config-service keeps the last ones for {@code show logging}, as IOS does with {@code logging buffered}.
   */
  public static final String LOG = "mgmt.log";

  /**
   * {@code debug crypto isakmp} (IKEv1 engine and IKEv1 DPD), {@code debug crypto ikev2} (IKEv2
   * engine and IKEv2 liveness checks), {@code debug crypto ipsec} (the forwarder's SA install, delete
   * and expiry lines).
   */
  public enum Facility { ISAKMP, IPSEC, IKEV2 }

  public record Debug(Facility facility, boolean enabled) {}

  /**
   * {@code clear crypto session [local A [port N]] [remote A [port N]]}: a null address or a port 0
   * matches any. Every null/0 clears every session.
   */
  public record ClearSession(String remoteAddress, int remotePort, String localAddress, int localPort) {

    public ClearSession(String remoteAddress) {
      this(remoteAddress, 0, null, 0);
    }

    /** Whether an SA between these endpoints is one this command clears. */
    public boolean matches(String local, int localPortOfSa, String remote, int remotePortOfSa) {
      return (remoteAddress == null || remoteAddress.equals(remote))
          && (remotePort == 0 || remotePort == remotePortOfSa)
          && (localAddress == null || localAddress.equals(local))
          && (localPort == 0 || localPort == localPortOfSa);
    }
  }

  public record ClearSessionResult(int ikeSasDeleted, int childSasDeleted) {}

  /**
   * @param service      the service name that logged it ({@code ike}, {@code dpd}, …)
   * @param epochMillis  when it was logged
   * @param text         the message, e.g. {@code %CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. …}
   */
  public record LogLine(String service, long epochMillis, String text) {}

  /** Several {@link LogLine}s of one process, in the order they were logged. */
  public record LogLines(List<LogLine> lines) {}

  static final List<Class<? extends Record>> RECORDS = List.of(Debug.class, ClearSession.class,
      ClearSessionResult.class, LogLine.class, LogLines.class);

  private MgmtMessages() {}
}

package io.ipsecmesh.proto.bus;

import java.util.List;

/** Exec commands from the management API that other services act on. */
public final class MgmtMessages {

  /** publish: {@link Debug} — {@code debug crypto isakmp|ipsec} / {@code undebug}. */
  public static final String DEBUG = "mgmt.debug";
  /** request–reply: {@link ClearSession} → {@link ClearSessionResult} (ike-service deletes with DELETE payloads). */
  public static final String CLEAR_SESSION = "mgmt.clear-session";

  public enum Facility { ISAKMP, IPSEC }

  public record Debug(Facility facility, boolean enabled) {}

  /** {@code remoteAddress} null clears every session. */
  public record ClearSession(String remoteAddress) {}

  public record ClearSessionResult(int ikeSasDeleted, int childSasDeleted) {}

  static final List<Class<? extends Record>> RECORDS = List.of(Debug.class, ClearSession.class,
      ClearSessionResult.class);

  private MgmtMessages() {}
}

package io.ipsecmesh.config.api;

import io.ipsecmesh.proto.bus.MgmtMessages.Facility;

/** An IOS exec command the management API understands, parsed by {@link ExecParser}. */
public sealed interface ExecCommand {

  record ShowRunningConfig() implements ExecCommand {}

  record ShowIsakmpSa() implements ExecCommand {}

  /** @param peer only this peer's SAs, or null */
  record ShowIpsecSa(String peer, boolean detail) implements ExecCommand {}

  record ShowSession() implements ExecCommand {}

  /** @param remote only sessions with this peer, or null for every session */
  record ClearSession(String remote) implements ExecCommand {}

  record Debug(Facility facility, boolean enabled) implements ExecCommand {}

  /** {@code undebug all} / {@code no debug all} */
  record UndebugAll() implements ExecCommand {}
}

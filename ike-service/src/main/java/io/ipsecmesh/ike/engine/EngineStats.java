package io.ipsecmesh.ike.engine;

/** What the engine counts for metrics; the default does nothing (tests, tools). */
public interface EngineStats extends io.ipsecmesh.ike.dos.DosCounters {

  EngineStats NONE = new EngineStats() {};

  /** An IKE message that decoded, by exchange type name (IKE_SA_INIT, IKE_AUTH, …). */
  default void received(String exchange) {}

  default void sent(String exchange) {}

  default void retransmitted() {}

  /** Dropped: did not decode, or failed the SK integrity check. */
  default void malformed() {}

  default void authenticationFailed() {}

  default void cookieDemanded() {}

  /** An IKE Fragment message dropped (RFC 7383 §2.6), by reason ({@code FragmentReassembler}'s constants). */
  default void fragmentDropped(String reason) {}

  /** A Child SA whose answer (or, rekeyed by us, the old SA's DELETE) left without the forwarder's confirmation. */
  default void childSaUnconfirmed() {}

  /** What waited for new Child SAs left on the forwarder's confirmation, {@code millis} after it was ready. */
  default void childSaAnswerWaited(long millis) {}

  /** IKE_SA_INIT dropped because the half-open limit was reached. */
  default void halfOpenLimitHit() {}
}

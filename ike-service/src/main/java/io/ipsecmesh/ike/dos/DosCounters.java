package io.ipsecmesh.ike.dos;

/**
 * What the DoS limits of both IKE engines count, for {@code ipsecmesh_ike_*} metrics. The default counts
 * nothing (tests, tools). Each drop reason is one label value of {@code ipsecmesh_ike_requests_dropped}.
 */
public interface DosCounters {

  DosCounters NONE = new DosCounters() {};

  /** Same message ID as an answered request, other bytes (RFC 7296 §2.1: a retransmission is identical). */
  /** A request before ike-service has its first configuration: dropped unanswered, so the peer retransmits. */
  String NOT_CONFIGURED = "not-configured";
  String ALTERED_RETRANSMISSION = "altered-retransmission";
  /** An identical request from another address or port than the SA's peer: not answered (no reflection). */
  String RETRANSMISSION_FROM_ELSEWHERE = "retransmission-from-elsewhere";
  /** IKE_SA_INIT / Main Mode MM1 beyond the per-peer half-open quota (RFC 8019 §4). */
  String HALF_OPEN_PEER_QUOTA = "half-open-peer-quota";
  /** The first message of a new IKE SA while the IKE socket is backlogged ({@link NewSaLoadShedder}). */
  String LOAD = "load";
  /** CREATE_CHILD_SA / Quick Mode beyond the Child SAs allowed per IKE SA (NO_ADDITIONAL_SAS). */
  String CHILD_SA_LIMIT = "child-sa-limit";

  /** A retransmitted request answered from the reply cache. */
  default void retransmissionAnswered(int ikeVersion) {}

  /** A request dropped (or refused) by a DoS limit; {@code reason} is one of the constants above. */
  default void requestDropped(int ikeVersion, String reason) {}
}

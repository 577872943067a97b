package io.ipsecmesh.esp.fwd;

import java.util.function.ToLongFunction;

/**
 * The counters every SA pair keeps (the packet and error lines of {@code show crypto ipsec sa}), each with its
 * metric name: the per-SA series carry them with the SA's labels, and {@link SaDatabase#total} sums them over
 * every pair a forwarder ran, the deleted ones included.
 */
public enum SaCounter {
  ENCAPS("encaps", "#pkts encaps (= encrypt = digest)", p -> p.outbound().encaps()),
  DECAPS("decaps", "#pkts decaps (= decrypt = verify)", p -> p.inbound().decaps()),
  ENCAP_BYTES("encap_bytes", "inner bytes sealed", p -> p.outbound().encapBytes()),
  DECAP_BYTES("decap_bytes", "inner bytes delivered", p -> p.inbound().decapBytes()),
  SEND_ERRORS("send_errors", "#send errors", p -> p.outbound().sendErrors()),
  RECV_ERRORS("recv_errors", "#recv errors", p -> p.inbound().recvErrors()),
  REPLAY_FAILURES("replay_failures", "packets refused by the anti-replay window", p -> p.inbound().replayFailures()),
  AUTH_FAILURES("auth_failures", "ICV verification failures", p -> p.inbound().authFailures()),
  POLICY_FAILURES("policy_failures", "decrypted packets outside the SA's selectors", p -> p.inbound().policyFailures());

  /** The metric's name after {@code ipsecmesh_esp_}. */
  public final String metric;
  public final String help;
  private final ToLongFunction<SaPair> read;

  SaCounter(String metric, String help, ToLongFunction<SaPair> read) {
    this.metric = metric;
    this.help = help;
    this.read = read;
  }

  /** This counter of {@code pair} as its packet threads last wrote it (a plain read, as statistics allow). */
  public long of(SaPair pair) {
    return read.applyAsLong(pair);
  }
}

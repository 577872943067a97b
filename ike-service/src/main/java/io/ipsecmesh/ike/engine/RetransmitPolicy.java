package io.ipsecmesh.ike.engine;

/**
 * Request retransmission (RFC 7296 §2.1): the n-th retransmission waits {@code initialMillis ·
 * factor^n}; after {@code tries} retransmissions without an answer the IKE SA is deleted.
 */
public record RetransmitPolicy(long initialMillis, double factor, int tries) {

  /**
   * 2 s, doubling, 5 retransmissions: the fifth goes out 62 s after the request and is given 64 s to be
   * answered, so an unanswered request is abandoned 126 s after it was first sent ({@link #giveUpAfter}).
   */
  public static final RetransmitPolicy DEFAULT = new RetransmitPolicy(2000, 2.0, 5);

  public long delayBefore(int retransmission) {
    return (long) (initialMillis * Math.pow(factor, retransmission));
  }

  public long giveUpAfter() {
    long t = 0;
    for (int i = 0; i <= tries; i++) {
      t += delayBefore(i);
    }
    return t;
  }
}

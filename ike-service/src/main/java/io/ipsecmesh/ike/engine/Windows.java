package io.ipsecmesh.ike.engine;

/**
 * Both message-ID windows of an IKE SA (RFC 7296 §2.3) and its last one-datagram answer for the reply cache, as a
 * checkpoint records them ({@link TaskManager#windows()}, {@link TaskManager#restore}); {@code lastResponseId} is
 * -1 when there is no answer to keep.
 */
record Windows(long nextRequestId, long expectedRequestId, long lastResponseId, byte[] lastRequestDigest,
    byte[] lastResponse) {}

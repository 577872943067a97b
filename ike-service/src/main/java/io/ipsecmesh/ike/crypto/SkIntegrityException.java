package io.ipsecmesh.ike.crypto;

/** The ICV of an SK payload did not verify: the message is dropped silently (RFC 7296 §2.21.2 / §3.14). */
public final class SkIntegrityException extends Exception {
  public SkIntegrityException(String detail) {
    super(detail, null, false, false);
  }
}

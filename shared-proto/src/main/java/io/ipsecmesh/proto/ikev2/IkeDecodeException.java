package io.ipsecmesh.proto.ikev2;

/**
 * The one error a decoder of network input may report. Every malformed message ends here (checked,
 * so callers cannot forget it); no runtime exception from index arithmetic escapes the codec.
 */
public final class IkeDecodeException extends Exception {

  /** What was wrong, coarse enough to pick the RFC 7296 reaction (drop vs. INVALID_SYNTAX). */
  public enum Kind {
    /** Fewer bytes than a header or a length field promises. */
    TRUNCATED,
    /** A length field that contradicts its container or the fixed size of its structure. */
    BAD_LENGTH,
    /** Major version other than 2 (RFC 7296 §3.1: drop, optionally INVALID_MAJOR_VERSION). */
    BAD_VERSION,
    /** More payloads/proposals/transforms/selectors than this gateway accepts (DoS bound). */
    LIMIT_EXCEEDED,
    /** A field value outside what its RFC allows. */
    BAD_VALUE
  }

  private final Kind kind;

  public IkeDecodeException(Kind kind, String detail) {
    super(kind + ": " + detail, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

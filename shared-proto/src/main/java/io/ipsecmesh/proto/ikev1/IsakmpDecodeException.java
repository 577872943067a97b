package io.ipsecmesh.proto.ikev1;

/**
 * The one error the ISAKMP decoder reports. Every malformed message ends here (checked, so callers
 * cannot forget it); no runtime exception from index arithmetic escapes the codec.
 */
public final class IsakmpDecodeException extends Exception {

  /** What was wrong, coarse enough to choose between dropping and a PAYLOAD-MALFORMED notify. */
  public enum Kind {
    /** Fewer bytes than a header or a length field promises. */
    TRUNCATED,
    /** A length field that contradicts its container or the fixed size of its structure. */
    BAD_LENGTH,
    /** Major version other than 1 (RFC 2408 §5.1: INVALID-MAJOR-VERSION). */
    BAD_VERSION,
    /** More payloads/proposals/transforms/attributes than this gateway accepts (DoS bound). */
    LIMIT_EXCEEDED,
    /** A field value outside what its RFC allows. */
    BAD_VALUE
  }

  private final Kind kind;

  public IsakmpDecodeException(Kind kind, String detail) {
    super(kind + ": " + detail, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

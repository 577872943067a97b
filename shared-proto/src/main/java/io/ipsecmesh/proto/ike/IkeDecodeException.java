package io.ipsecmesh.proto.ike;

/**
 * The one error the IKE codecs report, IKEv2's ({@code ikev2.IkeCodec}) and IKEv1's ISAKMP ({@code
 * ikev1.IsakmpCodec}, {@code ikev1.ModeConfigAttributes}). Every malformed message ends here (checked, so callers
 * cannot forget it); no runtime exception from index arithmetic escapes a codec. Built without a stack trace: it is
 * the normal answer to bad network input, and an attacker may cause many.
 */
public final class IkeDecodeException extends Exception {

  /**
   * What was wrong, coarse enough to pick the reaction each RFC asks for: for IKEv2 drop or INVALID_SYNTAX (RFC 7296
   * §2.21), for IKEv1 drop or a PAYLOAD-MALFORMED notify (RFC 2408 §5).
   */
  public enum Kind {
    /** Fewer bytes than a header or a length field promises. */
    TRUNCATED,
    /** A length field that contradicts its container or the fixed size of its structure. */
    BAD_LENGTH,
    /**
     * A major version other than the codec's: IKEv2 drops it, optionally answering INVALID_MAJOR_VERSION (RFC 7296
     * §3.1); IKEv1 answers INVALID-MAJOR-VERSION (RFC 2408 §5.1).
     */
    BAD_VERSION,
    /** More payloads, proposals, transforms, attributes or selectors than this gateway accepts (DoS bound). */
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

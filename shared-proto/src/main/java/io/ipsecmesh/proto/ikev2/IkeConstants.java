package io.ipsecmesh.proto.ikev2;

/** Numbers assigned by RFC 7296 §3 (and the IANA IKEv2 registries) that the gateway uses by name. */
public final class IkeConstants {

  private IkeConstants() {}

  // §3.1 exchange types
  public static final int IKE_SA_INIT = 34;
  public static final int IKE_AUTH = 35;
  public static final int CREATE_CHILD_SA = 36;
  public static final int INFORMATIONAL = 37;

  // §3.1 header flags
  public static final int FLAG_INITIATOR = 0x08;
  public static final int FLAG_VERSION = 0x10;
  public static final int FLAG_RESPONSE = 0x20;

  // §3.2 payload types
  public static final int NO_NEXT_PAYLOAD = 0;
  public static final int PT_SA = 33;
  public static final int PT_KE = 34;
  public static final int PT_IDI = 35;
  public static final int PT_IDR = 36;
  public static final int PT_CERT = 37;
  public static final int PT_CERTREQ = 38;
  public static final int PT_AUTH = 39;
  public static final int PT_NONCE = 40;
  public static final int PT_NOTIFY = 41;
  public static final int PT_DELETE = 42;
  public static final int PT_VENDOR = 43;
  public static final int PT_TSI = 44;
  public static final int PT_TSR = 45;
  public static final int PT_SK = 46;
  /** RFC 7383 §2.5: Encrypted and Authenticated Fragment (SKF). */
  public static final int PT_SKF = 53;

  // §3.3.2 transform types
  public static final int TRANSFORM_ENCR = 1;
  public static final int TRANSFORM_PRF = 2;
  public static final int TRANSFORM_INTEG = 3;
  public static final int TRANSFORM_DH = 4;
  public static final int TRANSFORM_ESN = 5;

  // §3.3.1 protocol ids
  public static final int PROTO_IKE = 1;
  public static final int PROTO_AH = 2;
  public static final int PROTO_ESP = 3;

  // transform ids (IANA)
  public static final int ENCR_AES_CBC = 12;
  public static final int ENCR_AES_GCM_16 = 20;
  public static final int PRF_HMAC_SHA2_256 = 5;
  public static final int PRF_HMAC_SHA2_384 = 6;
  public static final int PRF_HMAC_SHA2_512 = 7;
  public static final int AUTH_NONE = 0;
  public static final int AUTH_HMAC_SHA1_96 = 2;
  public static final int AUTH_HMAC_SHA2_256_128 = 12;
  public static final int AUTH_HMAC_SHA2_384_192 = 13;
  public static final int AUTH_HMAC_SHA2_512_256 = 14;
  public static final int DH_NONE = 0;
  public static final int DH_MODP_2048 = 14;
  public static final int DH_ECP_256 = 19;
  public static final int DH_ECP_384 = 20;
  public static final int DH_CURVE25519 = 31;
  public static final int ESN_NO = 0;
  public static final int ESN_YES = 1;

  /** §3.3.5 Key Length attribute (TV). */
  public static final int ATTR_KEY_LENGTH = 14;

  // §3.5 ID types
  public static final int ID_IPV4_ADDR = 1;
  public static final int ID_FQDN = 2;
  public static final int ID_RFC822_ADDR = 3;
  public static final int ID_IPV6_ADDR = 5;
  public static final int ID_DER_ASN1_DN = 9;
  public static final int ID_KEY_ID = 11;

  // §3.6 certificate encodings
  public static final int CERT_X509_SIGNATURE = 4;

  // §3.8 AUTH methods
  public static final int AUTH_RSA_SIG = 1;
  public static final int AUTH_SHARED_KEY_MIC = 2;
  /** RFC 7427 §3: signature with an ASN.1 AlgorithmIdentifier in the AUTH data. */
  public static final int AUTH_DIGITAL_SIGNATURE = 14;

  // §3.13.1 TS types
  public static final int TS_IPV4_ADDR_RANGE = 7;
  public static final int TS_IPV6_ADDR_RANGE = 8;

  // §3.10.1 notify types: errors (< 16384)
  public static final int UNSUPPORTED_CRITICAL_PAYLOAD = 1;
  public static final int INVALID_IKE_SPI = 4;
  public static final int INVALID_MAJOR_VERSION = 5;
  public static final int INVALID_SYNTAX = 7;
  public static final int INVALID_MESSAGE_ID = 9;
  public static final int INVALID_SPI = 11;
  public static final int NO_PROPOSAL_CHOSEN = 14;
  public static final int INVALID_KE_PAYLOAD = 17;
  public static final int AUTHENTICATION_FAILED = 24;
  public static final int SINGLE_PAIR_REQUIRED = 34;
  public static final int NO_ADDITIONAL_SAS = 35;
  public static final int INTERNAL_ADDRESS_FAILURE = 36;
  public static final int FAILED_CP_REQUIRED = 37;
  public static final int TS_UNACCEPTABLE = 38;
  public static final int INVALID_SELECTORS = 39;
  public static final int TEMPORARY_FAILURE = 43;
  public static final int CHILD_SA_NOT_FOUND = 44;
  // status types
  public static final int INITIAL_CONTACT = 16384;
  public static final int SET_WINDOW_SIZE = 16385;
  public static final int ADDITIONAL_TS_POSSIBLE = 16386;
  public static final int IPCOMP_SUPPORTED = 16387;
  public static final int NAT_DETECTION_SOURCE_IP = 16388;
  public static final int NAT_DETECTION_DESTINATION_IP = 16389;
  public static final int COOKIE = 16390;
  public static final int USE_TRANSPORT_MODE = 16391;
  public static final int REKEY_SA = 16393;
  public static final int ESP_TFC_PADDING_NOT_SUPPORTED = 16394;
  public static final int NON_FIRST_FRAGMENTS_ALSO = 16395;
  /** RFC 7427 §4: hash algorithms for Digital Signature authentication (2 = SHA2-256 …). */
  public static final int SIGNATURE_HASH_ALGORITHMS = 16431;
  /** RFC 7383 §2.3: IKE fragmentation supported (IKE_SA_INIT, no data). */
  public static final int IKEV2_FRAGMENTATION_SUPPORTED = 16430;
}

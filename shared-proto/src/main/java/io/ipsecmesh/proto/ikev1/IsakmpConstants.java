package io.ipsecmesh.proto.ikev1;

/**
 * Numbers of ISAKMP (RFC 2408 §3), the IPsec DOI (RFC 2407 §4), IKEv1 (RFC 2409 Appendix A), DPD (RFC
 * 3706 §4) and NAT-T (RFC 3947) that this gateway uses, under their RFC names.
 */
public final class IsakmpConstants {

  public static final int MAJOR_VERSION = 1;
  public static final int MINOR_VERSION = 0;

  // RFC 2408 §3.1 exchange types, RFC 2409 §5.5 Quick Mode
  public static final int EXCH_IDENTITY_PROTECTION = 2; // Main Mode
  public static final int EXCH_AGGRESSIVE = 4;
  public static final int EXCH_INFORMATIONAL = 5;
  public static final int EXCH_QUICK_MODE = 32;
  /** ISAKMP Transaction exchange (draft-dukes-ike-mode-cfg §3.1): XAUTH and Mode Config. */
  public static final int EXCH_TRANSACTION = 6;

  // RFC 2408 §3.1 flags
  public static final int FLAG_ENCRYPTION = 0x01;
  public static final int FLAG_COMMIT = 0x02;
  public static final int FLAG_AUTHENTICATION_ONLY = 0x04;

  // RFC 2408 §3.1 next payload types, RFC 3947 §3 (NAT-D 20, NAT-OA 21)
  public static final int NO_NEXT_PAYLOAD = 0;
  public static final int PAYLOAD_SA = 1;
  public static final int PAYLOAD_PROPOSAL = 2;
  public static final int PAYLOAD_TRANSFORM = 3;
  public static final int PAYLOAD_KE = 4;
  public static final int PAYLOAD_ID = 5;
  public static final int PAYLOAD_CERT = 6;
  public static final int PAYLOAD_CR = 7;
  public static final int PAYLOAD_HASH = 8;
  public static final int PAYLOAD_SIG = 9;
  public static final int PAYLOAD_NONCE = 10;
  public static final int PAYLOAD_N = 11;
  public static final int PAYLOAD_D = 12;
  public static final int PAYLOAD_VID = 13;
  /** draft-dukes-ike-mode-cfg §3.2: the Attribute (configuration) payload. */
  public static final int PAYLOAD_ATTR = 14;
  public static final int PAYLOAD_NAT_D = 20;
  public static final int PAYLOAD_NAT_OA = 21;

  // RFC 2407 §4.2 / §4.2.1
  public static final int DOI_IPSEC = 1;
  public static final int SIT_IDENTITY_ONLY = 1;

  // RFC 2407 §4.4.1 protocol identifiers
  public static final int PROTO_ISAKMP = 1;
  public static final int PROTO_IPSEC_AH = 2;
  public static final int PROTO_IPSEC_ESP = 3;

  // RFC 2407 §4.4.2 / RFC 2409 App. A
  public static final int KEY_IKE = 1;
  public static final int ESP_AES = 12;
  /** RFC 2407 §4.4.4 ESP_DES and ESP_3DES: legacy, only with crypto engine compliance shield disable. */
  public static final int ESP_DES = 2;
  public static final int ESP_3DES = 3;

  // RFC 2409 Appendix A, phase-1 attribute classes
  public static final int P1_ENCRYPTION_ALGORITHM = 1;
  public static final int P1_HASH_ALGORITHM = 2;
  public static final int P1_AUTHENTICATION_METHOD = 3;
  public static final int P1_GROUP_DESCRIPTION = 4;
  public static final int P1_LIFE_TYPE = 11;
  public static final int P1_LIFE_DURATION = 12;
  public static final int P1_KEY_LENGTH = 14;

  public static final int P1_ENCR_AES_CBC = 7;
  /** 3DES-CBC (RFC 2409 Appendix A): only with crypto engine compliance shield disable. */
  public static final int P1_ENCR_3DES_CBC = 5;
  public static final int P1_HASH_MD5 = 1;
  public static final int P1_HASH_SHA = 2;
  public static final int P1_HASH_SHA2_256 = 4;
  public static final int P1_HASH_SHA2_384 = 5;
  public static final int P1_HASH_SHA2_512 = 6;
  public static final int P1_AUTH_PRE_SHARED_KEY = 1;
  /** draft-ietf-ipsec-isakmp-xauth §5.1: pre-shared key, the initiator then authenticated by XAUTH. */
  public static final int P1_AUTH_XAUTH_INIT_PSK = 65001;
  public static final int LIFE_TYPE_SECONDS = 1;
  public static final int LIFE_TYPE_KILOBYTES = 2;

  // RFC 2407 §4.5, phase-2 (IPsec DOI) attribute classes
  public static final int P2_SA_LIFE_TYPE = 1;
  public static final int P2_SA_LIFE_DURATION = 2;
  public static final int P2_GROUP_DESCRIPTION = 3;
  public static final int P2_ENCAPSULATION_MODE = 4;
  public static final int P2_AUTHENTICATION_ALGORITHM = 5;
  public static final int P2_KEY_LENGTH = 6;

  public static final int ENCAP_TUNNEL = 1;
  public static final int ENCAP_TRANSPORT = 2;
  /** RFC 3947 §5. */
  public static final int ENCAP_UDP_TUNNEL = 3;
  public static final int ENCAP_UDP_TRANSPORT = 4;
  /** draft-ietf-ipsec-nat-t-ike-0x value that some peers still send. */
  public static final int ENCAP_UDP_TUNNEL_DRAFT = 61443;

  public static final int AUTH_HMAC_SHA = 2;
  public static final int AUTH_HMAC_MD5 = 1;
  public static final int AUTH_HMAC_SHA2_256 = 5;
  public static final int AUTH_HMAC_SHA2_384 = 6;
  public static final int AUTH_HMAC_SHA2_512 = 7;

  // RFC 2407 §4.6.2.1 identification types
  public static final int ID_IPV4_ADDR = 1;
  public static final int ID_FQDN = 2;
  public static final int ID_USER_FQDN = 3;
  public static final int ID_IPV4_ADDR_SUBNET = 4;
  public static final int ID_IPV4_ADDR_RANGE = 7;
  /** RFC 2407 §4.6.2.1: an IPv6 address, an IPv6 address + mask, an IPv6 range (16 octets each part). */
  public static final int ID_IPV6_ADDR = 5;
  public static final int ID_IPV6_ADDR_SUBNET = 6;
  public static final int ID_IPV6_ADDR_RANGE = 8;
  public static final int ID_KEY_ID = 11;

  // RFC 2408 §3.14.1 notify messages (errors), RFC 2407 §4.6.3 status, RFC 3706 §4
  public static final int N_INVALID_PAYLOAD_TYPE = 1;
  public static final int N_INVALID_EXCHANGE_TYPE = 7;
  public static final int N_INVALID_SPI = 11;
  public static final int N_PAYLOAD_MALFORMED = 16;
  public static final int N_NO_PROPOSAL_CHOSEN = 14;
  public static final int N_INVALID_ID_INFORMATION = 18;
  public static final int N_INVALID_HASH_INFORMATION = 23;
  public static final int N_AUTHENTICATION_FAILED = 24;
  public static final int N_INITIAL_CONTACT = 24578;
  public static final int N_R_U_THERE = 36136;
  public static final int N_R_U_THERE_ACK = 36137;

  // draft-dukes-ike-mode-cfg §3.2 configuration message types
  public static final int CFG_REQUEST = 1;
  public static final int CFG_REPLY = 2;
  public static final int CFG_SET = 3;
  public static final int CFG_ACK = 4;

  // draft-dukes-ike-mode-cfg §3.3 attributes (IPv4)
  public static final int INTERNAL_IP4_ADDRESS = 1;
  public static final int INTERNAL_IP4_NETMASK = 2;
  public static final int INTERNAL_IP4_DNS = 3;
  public static final int INTERNAL_IP4_NBNS = 4;
  public static final int INTERNAL_ADDRESS_EXPIRY = 5;
  public static final int APPLICATION_VERSION = 7;

  // draft-ietf-ipsec-isakmp-xauth-06 §5 attributes
  public static final int XAUTH_TYPE = 16520;
  public static final int XAUTH_USER_NAME = 16521;
  public static final int XAUTH_USER_PASSWORD = 16522;
  public static final int XAUTH_PASSCODE = 16523;
  public static final int XAUTH_MESSAGE = 16524;
  public static final int XAUTH_CHALLENGE = 16525;
  public static final int XAUTH_DOMAIN = 16526;
  public static final int XAUTH_STATUS = 16527;
  public static final int XAUTH_NEXT_PIN = 16528;
  public static final int XAUTH_ANSWER = 16529;
  /** XAUTH-TYPE Generic (§5.1): user name and password. */
  public static final int XAUTH_TYPE_GENERIC = 0;
  public static final int XAUTH_STATUS_FAIL = 0;
  public static final int XAUTH_STATUS_OK = 1;

  // Cisco Unity client attributes (the values strongSwan's unity plugin and IOS Easy VPN use)
  public static final int UNITY_BANNER = 28672;
  public static final int UNITY_SAVE_PASSWD = 28673;
  public static final int UNITY_DEF_DOMAIN = 28674;
  public static final int UNITY_SPLIT_DNS_NAME = 28675;
  public static final int UNITY_SPLIT_INCLUDE = 28676;
  public static final int UNITY_NATT_PORT = 28677;
  public static final int UNITY_LOCAL_LAN = 28678;
  public static final int UNITY_PFS = 28679;
  public static final int UNITY_FW_TYPE = 28680;
  public static final int UNITY_BACKUP_SERVERS = 28681;
  public static final int UNITY_DDNS_HOSTNAME = 28682;

  private IsakmpConstants() {}
}

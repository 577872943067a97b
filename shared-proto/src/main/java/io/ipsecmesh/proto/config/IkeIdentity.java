package io.ipsecmesh.proto.config;

import java.util.Locale;

/**
 * An IKE identity as IOS commands write it ({@code identity local fqdn NAME}, {@code identity address IP} …):
 * the kind and its text. The kinds are the ID types of RFC 7296 §3.5 that IOS offers.
 */
public record IkeIdentity(Type type, String value) {

  /** The identity kinds and their IOS keywords. */
  public enum Type {
    ADDRESS("address"), FQDN("fqdn"), EMAIL("email"), KEY_ID("key-id"), DN("dn");

    private final String keyword;

    Type(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }

    /** The kind of an IOS keyword, or null. */
    public static Type of(String keyword) {
      for (Type t : values()) {
        if (t.keyword.equals(keyword.toLowerCase(Locale.ROOT))) {
          return t;
        }
      }
      return null;
    }
  }

  /** As IOS writes it after {@code identity local}: {@code fqdn gw.example.com}; {@code dn} alone. */
  public String render() {
    return type == Type.DN ? "dn" : type.keyword() + " " + value;
  }
}

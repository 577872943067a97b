package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * An extended access list: numbered ({@code access-list 101 …}, 100–199 or 2000–2699), named
 * ({@code ip access-list extended NAME}) or IPv6 ({@code ipv6 access-list NAME}, always named; its entries' addresses
 * are IPv6, {@link AddressMatch#ipv6()}). Crypto maps use one as {@code match address} to select the traffic to
 * protect: permit = protect.
 *
 * @param ipv6 whether this is an {@code ipv6 access-list}: an IPv4 list never selects IPv6 traffic and the reverse
 */
public record AccessList(String name, boolean numbered, List<AccessListEntry> entries, boolean ipv6) {
  public AccessList {
    entries = List.copyOf(entries);
  }

  /** An IPv4 access list. */
  public AccessList(String name, boolean numbered, List<AccessListEntry> entries) {
    this(name, numbered, entries, false);
  }
}

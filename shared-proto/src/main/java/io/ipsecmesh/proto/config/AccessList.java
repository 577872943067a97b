package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * An extended access list: numbered ({@code access-list 101 …}, 100–199 or 2000–2699) or named
 * ({@code ip access-list extended NAME}), or an {@code ipv6 access-list NAME} ({@code ipv6} true: its
 * lines' addresses are IPv6 prefixes, {@link AddressMatch#ipv6()}, and its protocol {@code ipv6} means every
 * protocol, {@code icmp} ICMPv6). Crypto maps use one as {@code match address} to select the traffic to
 * protect: permit = protect.
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

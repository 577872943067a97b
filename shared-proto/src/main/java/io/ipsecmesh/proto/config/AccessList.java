package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * An extended access list: numbered ({@code access-list 101 …}, 100–199 or 2000–2699) or named
 * ({@code ip access-list extended NAME}). Crypto maps use one as {@code match address} to select the
 * traffic to protect: permit = protect.
 */
public record AccessList(String name, boolean numbered, List<AccessListEntry> entries) {
  public AccessList {
    entries = List.copyOf(entries);
  }
}

package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ikev2 policy NAME}: which proposals apply, optionally only on some local addresses
 * ({@code match address local IP}).
 */
public record Ikev2Policy(String name, List<String> proposals, List<String> matchAddressLocal) {
  public Ikev2Policy {
    proposals = List.copyOf(proposals);
    matchAddressLocal = List.copyOf(matchAddressLocal);
  }
}

package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ikev2 proposal NAME} with {@code encryption}, {@code integrity}, {@code prf} and
 * {@code group} lists, each in order of preference, as IOS keywords ("aes-gcm-256", "sha256", "19"…).
 */
public record Ikev2Proposal(
    String name, List<String> encryption, List<String> integrity, List<String> prf, List<Integer> groups) {
  public Ikev2Proposal {
    encryption = List.copyOf(encryption);
    integrity = List.copyOf(integrity);
    prf = List.copyOf(prf);
    groups = List.copyOf(groups);
  }
}

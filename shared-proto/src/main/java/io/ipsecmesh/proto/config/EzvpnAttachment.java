package io.ipsecmesh.proto.config;

/** {@code crypto ipsec client ezvpn NAME [outside|inside]} under an interface. */
public record EzvpnAttachment(String name, boolean outside) {}

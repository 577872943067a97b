package io.ipsecmesh.config.store;

import io.ipsecmesh.proto.config.GatewayConfig;

/** The configuration in force and its cluster-wide version (only grows). */
public record ActiveConfig(long version, GatewayConfig config) {}

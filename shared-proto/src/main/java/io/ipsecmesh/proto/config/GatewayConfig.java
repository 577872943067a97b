package io.ipsecmesh.proto.config;

/**
 * The typed model of an IOS configuration. (Placeholder: the configuration-language work fills in
 * the full model; {@code runningConfig} is the canonical text it renders.)
 */
public record GatewayConfig(String runningConfig) {}

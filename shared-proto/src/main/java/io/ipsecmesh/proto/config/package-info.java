/**
 * The typed model of the IOS configuration language ({@link io.ipsecmesh.proto.config.GatewayConfig}) and its
 * canonical text ({@link io.ipsecmesh.proto.config.RunningConfigWriter}). Parsing and validation live in
 * config-service ({@code io.ipsecmesh.config.lang.ConfigParser}).
 */
package io.ipsecmesh.proto.config;

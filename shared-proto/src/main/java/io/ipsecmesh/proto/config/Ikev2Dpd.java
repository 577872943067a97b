package io.ipsecmesh.proto.config;

/**
 * IKEv2 {@code dpd INTERVAL RETRY on-demand|periodic}, in a profile or globally as {@code crypto ikev2 dpd}.
 *
 * @param intervalSeconds 10–3600
 * @param retrySeconds    2–60
 */
public record Ikev2Dpd(int intervalSeconds, int retrySeconds, DpdMode mode) {}

package io.ipsecmesh.esp;

import io.vertx.core.json.JsonObject;

/**
 * {@link Ipv6ForwarderVerticleTest} with {@code udpChecksum computed}: ESP-in-UDP over IPv6 leaves by UDP GSO batches
 * ({@code GsoUdpSender}) instead of {@code sendmmsg}.
 */
class Ipv6ForwarderGsoVerticleTest extends Ipv6ForwarderVerticleTest {
  @Override
  JsonObject options() {
    return new JsonObject().put("udpChecksum", "computed").put("udpGso", true);
  }
}

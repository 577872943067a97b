package io.ipsecmesh.esp.ha;

import io.vertx.core.json.JsonObject;

/**
 * Deployment settings of forwarder scale-out, read once at start (flags of {@code io.ipsecmesh.esp.Main}, like
 * ike-service's {@code --ike-scale-out}):
 *
 * @param enabled    {@code --esp-scale-out true}: several forwarder processes share this host's UDP 4500 (and
 *                   raw ESP) and the TUN (one queue each); default false: one forwarder per gateway address
 * @param instanceId {@code --esp-instance-id}: this instance's name on {@code fwd.members} and in
 *                   {@code show crypto ipsec sa}; default the forwarder id ({@code forwarderId}, HOST/PID)
 * @param quorum     {@code --cluster-quorum N}: this forwarder sends only while the Hazelcast cluster has at
 *                   least N members (and the sequence-number map refuses writes below N, {@code HazelcastConfigs});
 *                   give every member the same N, a majority of the members the deployment runs; 0 = off
 * @param steering   {@code --esp-steering false}: no reuseport program, the kernel spreads inbound ESP by its hash
 *                   and the hand-off carries what lands on a non-owner (a measurement's reference, or a kernel
 *                   refusing {@code SO_ATTACH_REUSEPORT_CBPF}); default true ({@code steer.ReuseportSteering})
 */
public record EspScaleOutSettings(boolean enabled, String instanceId, int quorum, boolean steering) {

  public EspScaleOutSettings(boolean enabled, String instanceId, int quorum) {
    this(enabled, instanceId, quorum, true);
  }

  public EspScaleOutSettings {
    if (instanceId == null || instanceId.isBlank() || instanceId.startsWith("(") || instanceId.length() > 200) {
      throw new IllegalArgumentException("esp-instance-id must be a non-empty name (not starting with '('), got '"
          + instanceId + "'");
    }
    if (quorum < 0) {
      throw new IllegalArgumentException("cluster-quorum must be 0 (off) or a member count, got " + quorum);
    }
  }

  public static EspScaleOutSettings from(JsonObject config, String forwarderId) {
    JsonObject c = config == null ? new JsonObject() : config;
    boolean on = Boolean.parseBoolean(String.valueOf(c.getValue("esp-scale-out", "false")));
    String id = String.valueOf(c.getValue("esp-instance-id", forwarderId));
    Object q = c.getValue("cluster-quorum", 0);
    int quorum;
    try {
      quorum = q instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(q).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cluster-quorum must be a whole number, got '" + q + "'");
    }
    boolean steering = Boolean.parseBoolean(String.valueOf(c.getValue("esp-steering", "true")));
    return new EspScaleOutSettings(on, id, quorum, steering);
  }
}

package io.ipsecmesh.proto.bus;

import io.vertx.core.eventbus.Message;
import java.lang.reflect.Field;
import java.util.logging.Logger;

/**
 * What all local deliveries of one received message share and a second receipt of the same bytes does not:
 * the wire buffer a clustered message was read from, or the object a local message was sent with. Vert.x 5
 * copies a message once per consumer ({@code MessageImpl.copyBeforeReceive}) and keeps neither in its public
 * API, so both are read from its private fields; {@code OriginTest}/{@code ControlAuthTest} prove them on the
 * Vert.x version built with. Without the fields (another Vert.x) the message itself is the origin: every
 * delivery after the first of a publish would be refused as replayed, loudly, never a replay accepted.
 */
final class Origin {

  private static final Logger LOG = Logger.getLogger(Origin.class.getName());
  private static final Field WIRE = field("io.vertx.core.eventbus.impl.clustered.ClusteredMessage", "wireBuffer");
  private static final Field SENT = field("io.vertx.core.eventbus.impl.MessageImpl", "sentBody");

  private Origin() {}

  static Object of(Message<?> m) {
    try {
      if (WIRE != null && WIRE.getDeclaringClass().isInstance(m)) {
        Object wire = WIRE.get(m);
        if (wire != null) {
          return wire;
        }
      }
      if (SENT != null && SENT.getDeclaringClass().isInstance(m)) {
        Object sent = SENT.get(m);
        if (sent != null) {
          return sent;
        }
      }
    } catch (IllegalAccessException e) {
      // fall through: the message itself
    }
    return m;
  }

  private static Field field(String className, String name) {
    try {
      Field f = Class.forName(className).getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.severe(() -> "cannot read " + className + "." + name + " (" + e + "): a control publish reaches only its first"
          + " local consumer, the others refuse it as replayed");
      return null;
    }
  }
}

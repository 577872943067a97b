package io.ipsecmesh.proto.runtime;

import io.ipsecmesh.proto.bus.MgmtMessages;
import io.vertx.core.Vertx;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Ships this process's IOS-style log lines to {@code show logging}: a JUL handler on the root logger
 * that publishes every {@code %FACILITY-SEV-MNEMONIC} message and every debug trace line
 * ({@code ISAKMP…}, {@code IKEv2…}, {@code IPSEC(…}) on {@link MgmtMessages#LOG}. Every process
 * installs one, so config-service's buffer sees the whole gateway whether the services run in one JVM
 * or as separate processes in one cluster (Cisco IOS XE IPsec Data Plane guide, "Invalid Security
 * Parameter Index Recovery": the {@code show logging} example holds both kinds of line).
 *
 * <p>Other log lines (Vert.x, Hazelcast, our own operational text) stay in the process log only.
 */
public final class BusLogShipper extends Handler {

  /** A publish that logs (a closed bus, a codec warning) must not ship itself again. */
  private static final ThreadLocal<Boolean> SHIPPING = ThreadLocal.withInitial(() -> false);

  private final Vertx vertx;
  private final Formatter formatter = new SimpleFormatter();

  private BusLogShipper(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds the handler to the root logger; {@link #close()} (or {@link #uninstall}) removes it. */
  public static BusLogShipper install(Vertx vertx) {
    BusLogShipper h = new BusLogShipper(vertx);
    Logger.getLogger("").addHandler(h);
    return h;
  }

  public void uninstall() {
    Logger.getLogger("").removeHandler(this);
  }

  /** What IOS would put in its log buffer: syslog messages and the debug traces. */
  public static boolean ships(String text) {
    return text != null && (text.startsWith("%") || text.startsWith("ISAKMP") || text.startsWith("IKEv2")
        || text.startsWith("IPSEC(") || text.startsWith("IPsec("));
  }

  /** {@code io.ipsecmesh.ike.engine.IkeEngine} → {@code ike}. */
  static String serviceOf(String loggerName) {
    String prefix = "io.ipsecmesh.";
    if (loggerName == null || !loggerName.startsWith(prefix)) {
      return "";
    }
    int end = loggerName.indexOf('.', prefix.length());
    return end < 0 ? loggerName.substring(prefix.length()) : loggerName.substring(prefix.length(), end);
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || SHIPPING.get()) {
      return;
    }
    String text = formatter.formatMessage(record);
    if (!ships(text)) {
      return;
    }
    SHIPPING.set(true);
    try {
      vertx.eventBus().publish(MgmtMessages.LOG,
          new MgmtMessages.LogLine(serviceOf(record.getLoggerName()), record.getMillis(), text));
    } catch (RuntimeException closedOrUnregistered) {
      // the process is shutting down: the line stays in the process log
    } finally {
      SHIPPING.set(false);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    uninstall();
  }
}

package io.ipsecmesh.proto.runtime;

import io.ipsecmesh.proto.bus.MgmtMessages;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The lines of {@value #FLUSH_MILLIS} ms go as one {@link MgmtMessages.LogLines} message: under load every IKE SA
 * set up logs its {@code %CRYPTO-5-SESSION_STATUS} line, and a publish per line cost each IKE SA a control message's
 * HMAC at both ends and a hand-off to config-service's event loop (docs/performance.md, "Issue 14, item 1: second
 * round"). At most {@value #MAX_WAITING} lines wait; more within one interval are dropped from the bus (still in the
 * process log) and counted ({@link #dropped}).
 *
 * <p>Other log lines (Vert.x, Hazelcast, our own operational text) stay in the process log only.
 */
public final class BusLogShipper extends Handler {

  /** A publish that logs (a closed bus, a codec warning) must not ship itself again. */
  private static final ThreadLocal<Boolean> SHIPPING = ThreadLocal.withInitial(() -> false);

  /** How long a line waits for others to go with it; {@code show logging} is not held up noticeably. */
  static final long FLUSH_MILLIS = 20;
  /** Lines waiting at most: a bound on memory whatever a process logs. */
  static final int MAX_WAITING = 4096;

  private final Vertx vertx;
  private final Formatter formatter = new SimpleFormatter();
  private final Object lock = new Object();
  /** The lines of the current interval. Guarded by {@link #lock}. */
  private List<MgmtMessages.LogLine> waiting = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();

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
    MgmtMessages.LogLine line = new MgmtMessages.LogLine(serviceOf(record.getLoggerName()), record.getMillis(), text);
    boolean first;
    synchronized (lock) {
      if (waiting.size() >= MAX_WAITING) {
        dropped.incrementAndGet();
        return;
      }
      first = waiting.isEmpty();
      waiting.add(line);
    }
    if (first) {
      SHIPPING.set(true);
      try {
        vertx.setTimer(FLUSH_MILLIS, id -> ship());
      } catch (RuntimeException closed) {
        // the process is shutting down: the line stays in the process log
      } finally {
        SHIPPING.set(false);
      }
    }
  }

  /** Publishes the lines waiting, one message. */
  private void ship() {
    List<MgmtMessages.LogLine> lines;
    synchronized (lock) {
      lines = waiting;
      waiting = new ArrayList<>();
    }
    if (lines.isEmpty()) {
      return;
    }
    SHIPPING.set(true);
    try {
      vertx.eventBus().publish(MgmtMessages.LOG, new MgmtMessages.LogLines(List.copyOf(lines)));
    } catch (RuntimeException closedOrUnregistered) {
      // the process is shutting down: the lines stay in the process log
    } finally {
      SHIPPING.set(false);
    }
  }

  /** Lines not shipped because {@value #MAX_WAITING} were already waiting. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void flush() {}

  /** Removes the handler and ships what is still waiting. */
  @Override
  public void close() {
    uninstall();
    ship();
  }
}

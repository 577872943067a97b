package io.ipsecmesh.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages that one java.util.logging logger and its children publish from construction until
 * {@link #close()}, unformatted and in order: what the debug traces and syslog lines under test print. Tests
 * compare them with the seed's sample output, so the message text is kept as it was logged.
 */
public final class LogMessages implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      messages.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogMessages(String loggerName) {
    // kept in a field: java.util.logging holds loggers weakly, and a collected logger loses the handler
    logger = Logger.getLogger(loggerName);
    logger.addHandler(handler);
  }

  /** The messages so far; a live, thread-safe view that grows as the code under test logs. */
  public List<String> messages() {
    return messages;
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}

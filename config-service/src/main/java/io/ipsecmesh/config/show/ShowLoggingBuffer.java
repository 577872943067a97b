package io.ipsecmesh.config.show;

/**
 * {@code show logging} in the layout of the seed example (IOS XE IPsec Data Plane guide, "Invalid
 * Security Parameter Index Recovery", Step 4): the logging settings, then {@code Log Buffer (N bytes):}
 * and the buffered lines. There is no console, monitor or syslog-server logging here (the process log
 * is the console), so those lines say disabled or 0; the buffer logs at level debugging, which is why
 * {@code debug crypto …} output lands in it, as on IOS.
 */
public final class ShowLoggingBuffer {

  private ShowLoggingBuffer() {}

  public static String render(LogBuffer buffer) {
    StringBuilder out = new StringBuilder();
    out.append("Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml")
        .append(" disabled)\n");
    out.append("  Console logging: disabled\n");
    out.append("  Monitor logging: level debugging, 0 messages logged, xml disabled\n");
    out.append("  Buffer logging: level debugging, ").append(buffer.logged())
        .append(" messages logged, xml disabled\n");
    out.append("  Logging Exception size (8192 bytes)\n");
    out.append("  Count and timestamp logging messages: disabled\n");
    out.append("  Trap logging: level informational, 0 message lines logged\n");
    out.append("Log Buffer (").append(buffer.capacityBytes()).append(" bytes):\n");
    for (String line : buffer.lines()) {
      out.append(line).append('\n');
    }
    return out.toString();
  }
}

package io.ipsecmesh.esp.io;

import io.ipsecmesh.proto.config.DfBit;

/**
 * {@code crypto ipsec df-bit clear|set|copy} for outer packets the kernel builds (ESP-in-UDP and raw
 * ESP sockets), as the socket's {@code IP_MTU_DISCOVER} mode: {@code clear} never sets DF
 * ({@code IP_PMTUDISC_DONT}), {@code set} always does ({@code IP_PMTUDISC_DO}). {@code copy} would
 * need the inner packet's DF per outer packet, which Linux offers no per-packet control for on an
 * IPv4 socket; it maps to {@code IP_PMTUDISC_WANT} (DF set, fragment locally above the path MTU),
 * which equals copying for the DF-marked TCP traffic that dominates and never drops a packet.
 */
public final class DfBitPolicy {

  private static final int SOL_IP = 0;
  private static final int IP_MTU_DISCOVER = 10;
  private static final int IP_PMTUDISC_DONT = 0;
  private static final int IP_PMTUDISC_WANT = 1;
  private static final int IP_PMTUDISC_DO = 2;

  private DfBitPolicy() {}

  static int mode(DfBit df) {
    return switch (df) {
      case CLEAR -> IP_PMTUDISC_DONT;
      case SET -> IP_PMTUDISC_DO;
      case COPY -> IP_PMTUDISC_WANT;
    };
  }

  /** Applies {@code df} to an IPv4 socket; returns an error text or null. */
  public static String apply(int fd, DfBit df) {
    Libc.Result r = Libc.setsockoptInt(fd, SOL_IP, IP_MTU_DISCOVER, mode(df));
    return r.failed() ? "IP_MTU_DISCOVER: " + r.describe() : null;
  }
}

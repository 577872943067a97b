package io.ipsecmesh.esp.fwd;

/** SPIs the way IOS prints them: {@code 0x7AA69CB7(2057739447)}. */
final class SpiText {
  private SpiText() {}

  static String of(long spi) {
    long u = spi & 0xFFFF_FFFFL;
    return String.format("0x%X(%d)", u, u);
  }

  static String hex(long spi) {
    return String.format("%08X", spi & 0xFFFF_FFFFL);
  }
}

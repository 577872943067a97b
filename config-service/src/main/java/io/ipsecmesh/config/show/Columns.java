package io.ipsecmesh.config.show;

/** Fixed-width columns the way IOS tables pad them: at least one space, even when a value overflows. */
final class Columns {

  private Columns() {}

  static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    do {
      b.append(' ');
    } while (b.length() < width);
    return b.toString();
  }
}

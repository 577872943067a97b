package io.ipsecmesh.proto.config;

/** {@code crypto ipsec df-bit clear|set|copy}: how the outer header of a tunnel-mode packet gets its DF bit. */
public enum DfBit {
  CLEAR,
  SET,
  /** The IOS default: the outer DF bit copies the inner one. */
  COPY;

  public String keyword() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

package io.ipsecmesh.proto.kek;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The KEK of this process. The launcher installs the one it loaded ({@link #install}) before any
 * verticle starts; {@code KeyWrap.fromEnvironment()} and the sealing of configuration secrets take it
 * from here. A process that installed none (a unit test, an embedding) falls back to
 * {@code IPSECMESH_KEK} and then to a random per-process key: enough for one JVM, and a second member
 * joining with another key is stopped by {@link KekProof}.
 */
public final class ProcessKek {

  private static Kek installed;
  private static Kek fallback;

  private ProcessKek() {}

  /**
   * @throws IllegalStateException when this process already runs with another KEK: two members in one
   *     JVM share {@code KeyWrap}, so they cannot belong to clusters with different keys
   */
  public static synchronized void install(Kek kek) {
    if (installed != null && !installed.sameKey(kek)) {
      throw new IllegalStateException("this JVM already runs with the " + installed + "; " + kek
          + " differs");
    }
    if (installed == null && fallback != null && !fallback.sameKey(kek)) {
      throw new IllegalStateException("this JVM already wrapped keys under its own KEK; " + kek + " comes too late");
    }
    if (installed == null) {
      installed = kek;
    }
  }

  public static synchronized Kek current() {
    if (installed != null) {
      return installed;
    }
    if (fallback == null) {
      String hex = System.getenv("IPSECMESH_KEK");
      if (hex != null && !hex.isBlank()) {
        fallback = Kek.parseHex(hex, "IPSECMESH_KEK");
      } else {
        byte[] k = new byte[Kek.LENGTH];
        new SecureRandom().nextBytes(k);
        fallback = new Kek(k, "this process (random, single JVM only)");
        Arrays.fill(k, (byte) 0);
      }
    }
    return fallback;
  }

  /** The KEK the launcher would fall back to when none is configured: {@code IPSECMESH_KEK} or none. */
  public static Kek fromEnvironment() {
    String hex = System.getenv("IPSECMESH_KEK");
    return hex == null || hex.isBlank() ? null : Kek.parseHex(hex, "IPSECMESH_KEK");
  }
}

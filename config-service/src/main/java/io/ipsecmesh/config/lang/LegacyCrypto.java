package io.ipsecmesh.config.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * The legacy algorithms a configuration uses (DES, 3DES, MD5, Diffie-Hellman groups 1, 2 and 5) and
 * whether it says {@code crypto engine compliance shield disable}. IOS XE 17.11.1 and later refuse them
 * by default and accept them again only after that command (Cisco Field Notice FN72510); so does this
 * gateway. The command may come anywhere in the file, so a use is only recorded while reading and
 * judged at the end: an error naming the replacement and the command without it, a warning on every
 * use with it. AH, ESP-NULL and the other suites this gateway does not run stay refused either way.
 */
final class LegacyCrypto {

  static final String COMMAND = "crypto engine compliance shield disable";

  private record Use(int line, String refusal, String what) {}

  private final List<Use> uses = new ArrayList<>();
  boolean shieldDisabled;

  /**
   * A legacy algorithm on {@code line}.
   *
   * @param refusal the error as it reads without the command (what is insecure, and the replacement)
   * @param what    the algorithm as the warning names it ("esp-3des")
   */
  void use(int line, String refusal, String what) {
    uses.add(new Use(line, refusal, what));
  }

  /** Every use as an error (the shield is on) or as a warning (the operator turned it off). */
  void report(Diagnostics diagnostics) {
    for (Use u : uses) {
      if (shieldDisabled) {
        diagnostics.warn(u.line(), u.what() + " is insecure and allowed only because of '" + COMMAND + "'");
      } else {
        diagnostics.error(u.line(), u.refusal() + "; or allow it with '" + COMMAND + "'");
      }
    }
  }
}

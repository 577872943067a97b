package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.RunningConfigWriter;
import io.ipsecmesh.proto.kek.SecretBox;

/**
 * A secret written as IOS type 6 ({@code 6 SEALED}, as {@code show running-config} prints it): opened
 * under the cluster KEK with the kind of secret as associated data ({@link RunningConfigWriter}). On IOS
 * type 6 keys are encrypted under the router's master key and only that router reads them back
 * (Cisco, Security Configuration Guide, "Encrypted Preshared Key"); here the cluster's KEK plays the
 * master key, so the running-config of one cluster applies again to the same cluster and nowhere else.
 */
final class Type6Secret {

  private Type6Secret() {}

  /** Whether the next words are {@code 6 SEALED} (a type marker followed by one more word). */
  static boolean next(Args a) {
    return a.size() - a.position() > 1 && a.peek().equals("6");
  }

  /** Reads {@code 6 SEALED} and returns the secret; a sealed text that does not open is a line error. */
  static String read(Args a, String kind, String what) {
    a.skip(1);
    String sealed = a.next(what);
    try {
      return SecretBox.of(RunningConfigWriter.TYPE6_PURPOSE)
          .openString(SecretBox.PREFIX + sealed, RunningConfigWriter.type6Binding(kind));
    } catch (SecretBox.SealedSecretException e) {
      throw a.fail("type 6 " + what + " does not open under this cluster's KEK (altered, or written by another "
          + "cluster): give the key in clear (type 0)");
    }
  }
}

package io.ipsecmesh.proto.runtime;

/** Derives the service name used in logs and metrics labels from its verticle class. */
public final class ServiceNames {

  private ServiceNames() {}

  /** {@code EspForwarderVerticle} → {@code esp-forwarder}, {@code IkeVerticle} → {@code ike}. */
  public static String of(Class<?> verticle) {
    String simple = verticle.getSimpleName();
    if (simple.endsWith("Verticle") && simple.length() > "Verticle".length()) {
      simple = simple.substring(0, simple.length() - "Verticle".length());
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < simple.length(); i++) {
      char c = simple.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

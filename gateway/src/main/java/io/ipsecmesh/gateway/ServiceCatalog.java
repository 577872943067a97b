package io.ipsecmesh.gateway;

import io.vertx.core.Deployable;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The services the gateway deploys, by verticle class name: the gateway holds no compile-time
 * reference to them, so a service still being written does not break the build; such a service is
 * reported as missing and the others run.
 */
final class ServiceCatalog {

  /** config-service first: the others ask it for the configuration ({@code config.get}) as they start. */
  static final List<String> VERTICLES = List.of(
      "io.ipsecmesh.config.ConfigVerticle",
      "io.ipsecmesh.ike.IkeVerticle",
      "io.ipsecmesh.dpd.DpdVerticle",
      "io.ipsecmesh.esp.EspForwarderVerticle",
      "io.ipsecmesh.natk.NatKeepaliveVerticle");

  record Resolved(List<Supplier<? extends Deployable>> present, List<String> presentNames, List<String> missing) {}

  private ServiceCatalog() {}

  static Resolved resolve(List<String> classNames, ClassLoader loader) {
    List<Supplier<? extends Deployable>> present = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : classNames) {
      Constructor<? extends Deployable> ctor = constructor(name, loader);
      if (ctor == null) {
        missing.add(name);
      } else {
        present.add(() -> newInstance(ctor));
        names.add(name);
      }
    }
    return new Resolved(present, names, missing);
  }

  private static Constructor<? extends Deployable> constructor(String name, ClassLoader loader) {
    try {
      Class<?> c = Class.forName(name, false, loader);
      if (!Deployable.class.isAssignableFrom(c)) {
        throw new IllegalStateException(name + " is not a Vert.x verticle");
      }
      return c.asSubclass(Deployable.class).getConstructor();
    } catch (ClassNotFoundException e) {
      return null;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(name + " has no public no-argument constructor", e);
    }
  }

  private static Deployable newInstance(Constructor<? extends Deployable> ctor) {
    try {
      return ctor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + ctor.getDeclaringClass().getName(), e);
    }
  }
}

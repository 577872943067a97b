package io.ipsecmesh.proto.bus;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name a record travels under when it is not its class name: the name its {@code $mac}
 * ({@link io.ipsecmesh.proto.config.Authenticated}), the associated data of its sealed components and its
 * event-bus codec are bound to. A record that moves to another package keeps its old name here, so the rows
 * and messages of members that still run the previous release stay readable, and theirs ours.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WireName {
  /** The fully qualified class name the record had when it was first written. */
  String value();
}

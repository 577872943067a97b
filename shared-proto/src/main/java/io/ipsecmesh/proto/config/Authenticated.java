package io.ipsecmesh.proto.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record that is state the services act on (the configuration model, Child SAs, IKE SA
 * summaries, SA counters): {@code RecordJson} writes it with a {@code $mac} member, HMAC-SHA256 under
 * HKDF(KEK, {@code record-mac}) over the record type and its normalized JSON, and refuses on the way
 * in a record without it or whose MAC does not verify. Hazelcast has no authentication of its own:
 * this is what keeps a process that reaches its port from planting state the services would obey.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Authenticated {}

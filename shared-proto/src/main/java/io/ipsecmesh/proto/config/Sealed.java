package io.ipsecmesh.proto.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that holds a secret (a pre-shared key, a group key, a session key, wrapped
 * SA keys): {@code RecordJson} seals it (AES-GCM under a KEK-derived key, {@code SecretBox}) whenever
 * the record leaves the JVM (Hazelcast, the clustered event bus) and opens it on the way back in, with
 * the record type, the component and the record's other components as associated data. In memory the
 * component keeps its plain value, so nothing that reads the model changes.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Sealed {}

/**
 * How a service process starts: clustered Vert.x with the Hazelcast cluster manager, the bus codecs,
 * the verticle(s) and the Prometheus endpoint.
 *
 * <p>shared-proto does no I/O (docs/architecture.md, "Modules"). This package is the one deliberate exception: every
 * service module already depends on shared-proto (and only on it), so keeping the launcher here lets
 * each service's {@code Main} stay two lines without a sixth module every service pom would have to
 * list. Nothing outside this package in shared-proto touches a socket or a cluster.
 */
package io.ipsecmesh.proto.runtime;

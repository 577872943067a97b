# nat-keepalive: decides when each NAT-T peer needs a keepalive.
# Built from `./mvnw package` output, no network needed (see docs/containers.md). From the repository root:
#   ./mvnw -B package -DskipTests && podman build --format docker -f docker/nat-keepalive.Dockerfile -t ipsec-mesh/nat-keepalive .
# BASE: any image with a Java 25 runtime on PATH, bash and useradd; docker/base/build-local-base.sh
# makes one where no registry is reachable.
ARG BASE=eclipse-temurin:25-jre
FROM ${BASE}
RUN useradd --uid 10001 --user-group --create-home --home-dir /var/lib/ipsec-mesh \
    --shell /usr/sbin/nologin ipsec
COPY docker/entrypoint.sh docker/healthcheck.sh /opt/ipsec-mesh/bin/
# third-party jars first: they change rarely, so a code change rebuilds only the small layer below
COPY nat-keepalive/target/container/lib/ /opt/ipsec-mesh/lib/
COPY nat-keepalive/target/container/app/ nat-keepalive/target/nat-keepalive-*.jar /opt/ipsec-mesh/app/
# the java launcher reads JDK_JAVA_OPTIONS: native access (FFM, Netty) and what Hazelcast asks for
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_CLUSTER_HOST=container \
    IPSECMESH_METRICS_PORT=9400 \
    IPSECMESH_METRICS_HOST=0.0.0.0
WORKDIR /var/lib/ipsec-mesh
USER ipsec
EXPOSE 5701 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 CMD ["/opt/ipsec-mesh/bin/healthcheck.sh", "9400"]
ENTRYPOINT ["/opt/ipsec-mesh/bin/entrypoint.sh", "io.ipsecmesh.natk.Main"]

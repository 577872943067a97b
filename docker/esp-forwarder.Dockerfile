# esp-forwarder: the ESP data plane (UDP 4500 + TUN interface).
# Built from `./mvnw package` output, no network needed (see docs/containers.md). From the repository root:
#   ./mvnw -B package -DskipTests && podman build --format docker -f docker/esp-forwarder.Dockerfile -t ipsec-mesh/esp-forwarder .
# BASE: any image with a Java 25 runtime on PATH, bash and useradd; docker/base/build-local-base.sh
# makes one where no registry is reachable.
ARG BASE=eclipse-temurin:25-jre
FROM ${BASE}
# `ip`: the forwarder routes each protected destination into its TUN interface (KernelRoutes)
RUN command -v ip >/dev/null || { apt-get update && apt-get install -y --no-install-recommends iproute2 \
    && rm -rf /var/lib/apt/lists/*; }
RUN mkdir -p /var/lib/ipsec-mesh
COPY docker/entrypoint.sh docker/healthcheck.sh /opt/ipsec-mesh/bin/
# third-party jars first: they change rarely, so a code change rebuilds only the small layer below
COPY esp-forwarder/target/container/lib/ /opt/ipsec-mesh/lib/
COPY esp-forwarder/target/container/app/ esp-forwarder/target/esp-forwarder-*.jar /opt/ipsec-mesh/app/
# the java launcher reads JDK_JAVA_OPTIONS: native access (FFM, Netty) and what Hazelcast asks for
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_CLUSTER_HOST=container \
    IPSECMESH_METRICS_PORT=9400 \
    IPSECMESH_METRICS_HOST=0.0.0.0
WORKDIR /var/lib/ipsec-mesh
# root, but run it with only CAP_NET_ADMIN (--cap-drop ALL --cap-add NET_ADMIN) and /dev/net/tun:
# creating the TUN interface and its routes is all it needs beyond binding UDP 4500
USER root
EXPOSE 4500/udp 5701 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 CMD ["/opt/ipsec-mesh/bin/healthcheck.sh", "9400"]
ENTRYPOINT ["/opt/ipsec-mesh/bin/entrypoint.sh", "io.ipsecmesh.esp.Main"]

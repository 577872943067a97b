# The single-JVM gateway (every service, embedded Hazelcast member), as `ipsec-mesh run`. Root because
# the forwarder inside creates the TUN interface: run it with --cap-add NET_ADMIN --device /dev/net/tun.
# Built from `./mvnw package` output, no network needed (see docs/containers.md). From the repository root:
#   ./mvnw -B package -DskipTests && podman build --format docker -f docker/gateway.Dockerfile -t ipsec-mesh/gateway .
# BASE: any image with a Java 25 runtime on PATH and bash; docker/base/build-local-base.sh makes one
# where no registry is reachable.
ARG BASE=eclipse-temurin:25-jre
FROM ${BASE}
# `ip`: the forwarder routes each protected destination into its TUN interface (KernelRoutes)
RUN command -v ip >/dev/null || { apt-get update && apt-get install -y --no-install-recommends iproute2 \
    && rm -rf /var/lib/apt/lists/*; }
RUN mkdir -p /var/lib/ipsec-mesh \
 && printf '#!/bin/sh\nexec /opt/ipsec-mesh/bin/entrypoint.sh io.ipsecmesh.gateway.Main "$@"\n' > /usr/local/bin/ipsec-mesh \
 && chmod 755 /usr/local/bin/ipsec-mesh
COPY docker/entrypoint.sh docker/healthcheck.sh /opt/ipsec-mesh/bin/
# third-party jars first: they change rarely, so a code change rebuilds only the small layer below
COPY gateway/target/container/lib/ /opt/ipsec-mesh/lib/
COPY gateway/target/container/app/ gateway/target/ipsec-mesh.jar /opt/ipsec-mesh/app/
COPY docker/gateway.cfg /etc/ipsec-mesh/gateway.cfg
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_API_FILE=/var/lib/ipsec-mesh/api.json
WORKDIR /var/lib/ipsec-mesh
EXPOSE 500/udp 4500/udp 8300 9400
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 CMD ["/opt/ipsec-mesh/bin/healthcheck.sh", "8300"]
# `podman exec CONTAINER ipsec-mesh exec "show crypto ipsec sa"` uses the api file written at start
ENTRYPOINT ["/opt/ipsec-mesh/bin/entrypoint.sh", "io.ipsecmesh.gateway.Main"]
CMD ["run", "--config", "/etc/ipsec-mesh/gateway.cfg", "--api-host", "0.0.0.0", "--metrics-host", "0.0.0.0"]

# syntax=docker/dockerfile:1
# The single-JVM gateway (every service, embedded Hazelcast member), as 'ipsec-mesh run'. Root because
# the forwarder inside creates the TUN interface: run with --cap-add NET_ADMIN --device /dev/net/tun.
# Build from the repository root:  docker build -f docker/gateway.Dockerfile -t ipsec-mesh/gateway .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl gateway -am package

FROM eclipse-temurin:25-jre
COPY --from=build /src/gateway/target/ipsec-mesh.jar /opt/ipsec-mesh/lib/ipsec-mesh.jar
COPY --from=build /src/gateway/target/lib /opt/ipsec-mesh/lib/lib
COPY bin/ipsec-mesh /opt/ipsec-mesh/bin/ipsec-mesh
COPY docker/gateway.cfg /etc/ipsec-mesh/gateway.cfg
ENV IPSECMESH_JAR=/opt/ipsec-mesh/lib/ipsec-mesh.jar \
    IPSECMESH_API_FILE=/var/lib/ipsec-mesh/api.json
WORKDIR /var/lib/ipsec-mesh
EXPOSE 500/udp 4500/udp 8300 9400
ENTRYPOINT ["/opt/ipsec-mesh/bin/ipsec-mesh"]
CMD ["run", "--config", "/etc/ipsec-mesh/gateway.cfg", "--api-host", "0.0.0.0", "--metrics-host", "0.0.0.0"]

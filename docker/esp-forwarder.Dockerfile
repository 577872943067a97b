# syntax=docker/dockerfile:1
# esp-forwarder: the ESP data plane (UDP 4500 + TUN). Runs as root: creating the TUN interface and
# its routes needs CAP_NET_ADMIN (compose: cap_add NET_ADMIN, device /dev/net/tun).
# Build from the repository root:  docker build -f docker/esp-forwarder.Dockerfile -t ipsec-mesh/esp-forwarder .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl esp-forwarder -am install \
 && mvn -B -q -pl esp-forwarder dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp esp-forwarder/target/esp-forwarder-*.jar /out/lib/ \
 && rm -f /out/lib/*-tests.jar

FROM eclipse-temurin:25-jre
RUN mkdir -p /var/lib/ipsec-mesh
COPY --from=build /out/lib /opt/ipsec-mesh/lib
# the java launcher reads JDK_JAVA_OPTIONS: native access (FFM, Netty) and what Hazelcast asks for
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_CLUSTER_HOST=auto \
    IPSECMESH_METRICS_PORT=9400 \
    IPSECMESH_METRICS_HOST=0.0.0.0
WORKDIR /var/lib/ipsec-mesh
USER root
EXPOSE 4500/udp 5701 9400
ENTRYPOINT ["java", "-cp", "/opt/ipsec-mesh/lib/*", "io.ipsecmesh.esp.Main"]

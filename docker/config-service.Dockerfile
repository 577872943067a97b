# syntax=docker/dockerfile:1
# config-service: validates and versions the IOS configuration, publishes config.changed, serves the management API.
# Build from the repository root:  docker build -f docker/config-service.Dockerfile -t ipsec-mesh/config-service .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl config-service -am install \
 && mvn -B -q -pl config-service dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp config-service/target/config-service-*.jar /out/lib/ \
 && rm -f /out/lib/*-tests.jar

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/ipsec-mesh ipsec
COPY --from=build /out/lib /opt/ipsec-mesh/lib
COPY docker/gateway.cfg /etc/ipsec-mesh/gateway.cfg
# the java launcher reads JDK_JAVA_OPTIONS: native access (FFM, Netty) and what Hazelcast asks for
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_CLUSTER_HOST=auto \
    IPSECMESH_METRICS_PORT=9400 \
    IPSECMESH_METRICS_HOST=0.0.0.0
WORKDIR /var/lib/ipsec-mesh
USER ipsec
EXPOSE 5701 8300 9400
ENTRYPOINT ["java", "-cp", "/opt/ipsec-mesh/lib/*", "io.ipsecmesh.config.Main"]
CMD ["--config", "/etc/ipsec-mesh/gateway.cfg", "--api-host", "0.0.0.0", "--api-file", "/var/lib/ipsec-mesh/api.json"]

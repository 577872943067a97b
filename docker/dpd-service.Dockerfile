# syntax=docker/dockerfile:1
# dpd-service: the liveness state machine of every IKE peer.
# Build from the repository root:  docker build -f docker/dpd-service.Dockerfile -t ipsec-mesh/dpd-service .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl dpd-service -am install \
 && mvn -B -q -pl dpd-service dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp dpd-service/target/dpd-service-*.jar /out/lib/ \
 && rm -f /out/lib/*-tests.jar

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/ipsec-mesh ipsec
COPY --from=build /out/lib /opt/ipsec-mesh/lib
# the java launcher reads JDK_JAVA_OPTIONS: native access (FFM, Netty) and what Hazelcast asks for
ENV JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    IPSECMESH_CLUSTER_HOST=auto \
    IPSECMESH_METRICS_PORT=9400 \
    IPSECMESH_METRICS_HOST=0.0.0.0
WORKDIR /var/lib/ipsec-mesh
USER ipsec
EXPOSE 5701 9400
ENTRYPOINT ["java", "-cp", "/opt/ipsec-mesh/lib/*", "io.ipsecmesh.dpd.Main"]

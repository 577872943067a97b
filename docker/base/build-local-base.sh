#!/usr/bin/env bash
# Builds a local stand-in for eclipse-temurin:25-jre where no container registry is reachable:
# a minimal Debian root file system made by mmdebstrap from this machine's own apt sources (no
# mirror argument: it reads /etc/apt/sources.list*) plus a jlink'd Java 25 runtime of the machine's
# JDK at /opt/java/openjdk (the path the Temurin images use), imported with `podman import`.
# Usage (root): docker/base/build-local-base.sh [IMAGE]   default IMAGE: ipsec-mesh/base-jre:25
#   JDK=/usr/lib/jvm/temurin-25-jdk-amd64 by default. Prints the image name when done.
set -euo pipefail
image="${1:-ipsec-mesh/base-jre:25}"
jdk="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")"
work="$(mktemp -d /tmp/ipsecmesh-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# a JRE-sized runtime: every module a Java SE application can need plus the jdk.* modules the services
# use (jdk.httpserver: the Prometheus endpoint; jdk.unsupported: Netty and Hazelcast; jdk.management:
# the JVM metrics), without the development tools
modules="java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.crypto.cryptoki,jdk.jfr,jdk.localedata,jdk.charsets,jdk.jcmd"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$work/jre"

# minbase: dpkg, apt, bash, passwd (useradd for the images' user); no documentation or man pages.
# iproute2 too: the forwarder's image needs `ip` (routes into its TUN interface) and installs it with
# apt-get only when the base lacks it, which would need a mirror during the image build.
mmdebstrap --variant=minbase --quiet --include=iproute2 \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="mkdir -p \"\$1/opt/java\" && cp -a '$work/jre' \"\$1/opt/java/openjdk\"" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$suite" "$work/rootfs.tar"

podman import \
  --change 'ENV=JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV=PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV=LANG=C.UTF-8' \
  --change 'CMD=["jshell"]' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "$image"

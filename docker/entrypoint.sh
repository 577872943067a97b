#!/bin/bash
# Entrypoint of every ipsec-mesh image: entrypoint.sh MAIN-CLASS [flags...]
# Secrets arrive as files (compose `secrets:`, mounted under /run/secrets), never as environment
# values in the compose file or the image. The JVM reads the KEK (IPSECMESH_KEK_FILE, which it refuses
# unless mode 0400/0600) and the event bus's TLS files (IPSECMESH_TLS_KEYSTORE, IPSECMESH_TLS_CA) itself;
# this script only stops a container whose files it cannot read, with the uid that would have to. The
# API token (IPSECMESH_API_TOKEN_FILE, config-service) is read here: its content (whitespace stripped)
# becomes IPSECMESH_API_TOKEN for the JVM only.
set -eu
main="$1"
shift
for name in IPSECMESH_KEK_FILE IPSECMESH_TLS_KEYSTORE IPSECMESH_TLS_CA IPSECMESH_API_TOKEN_FILE; do
  eval "file=\${${name}:-}"
  if [ -n "$file" ] && [ ! -r "$file" ]; then
    echo "ipsec-mesh: cannot start: ${name}=$file is not readable by uid $(id -u)" >&2
    exit 1
  fi
done
if [ -n "${IPSECMESH_API_TOKEN_FILE:-}" ]; then
  IPSECMESH_API_TOKEN="$(tr -d ' \t\r\n' < "$IPSECMESH_API_TOKEN_FILE")"
  export IPSECMESH_API_TOKEN
  unset IPSECMESH_API_TOKEN_FILE
fi
# IPSECMESH_CLUSTER_HOST=container: this container's own address on its network. Hazelcast would
# otherwise name itself after the first entry of the member list that resolves to it (a compose
# service name), and a service name is shared by every replica of a scaled service: members and
# event-bus connections would reach the wrong replica and the cluster would fall apart
if [ "${IPSECMESH_CLUSTER_HOST:-}" = "container" ]; then
  read -r address _ < <(hostname -i)
  if [ -z "$address" ]; then
    echo "ipsec-mesh: cannot start: no address for $(hostname)" >&2
    exit 1
  fi
  export IPSECMESH_CLUSTER_HOST="$address"
fi
# IPSECMESH_WAIT_FOR=HOST:PORT (compose: the first member's Hazelcast port) holds the JVM back until
# that port accepts connections, at most IPSECMESH_WAIT_SECONDS (120): members started at the same
# moment would otherwise each find nobody, form clusters of one and stay apart
if [ -n "${IPSECMESH_WAIT_FOR:-}" ]; then
  host="${IPSECMESH_WAIT_FOR%:*}"
  port="${IPSECMESH_WAIT_FOR##*:}"
  deadline=$(( SECONDS + ${IPSECMESH_WAIT_SECONDS:-120} ))
  until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      echo "ipsec-mesh: cannot start: nothing answers on $IPSECMESH_WAIT_FOR" >&2
      exit 1
    fi
    sleep 1
  done
fi
exec java -cp '/opt/ipsec-mesh/app/*:/opt/ipsec-mesh/lib/*' "$main" "$@"

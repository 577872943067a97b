#!/bin/bash
# Entrypoint of every ipsec-mesh image: entrypoint.sh MAIN-CLASS [flags...]
# Secrets arrive as files (compose `secrets:`, mounted under /run/secrets), never as environment
# values in the compose file or the image: for each NAME in the list below, NAME_FILE names a file
# whose content (whitespace stripped) becomes NAME for the JVM only. A NAME_FILE that is set but
# unreadable stops the container: a member without the cluster's KEK could not unwrap any key.
set -eu
main="$1"
shift
for name in IPSECMESH_KEK IPSECMESH_API_TOKEN; do
  eval "file=\${${name}_FILE:-}"
  if [ -n "$file" ]; then
    if [ ! -r "$file" ]; then
      echo "ipsec-mesh: cannot start: ${name}_FILE=$file is not readable by uid $(id -u)" >&2
      exit 1
    fi
    value="$(tr -d ' \t\r\n' < "$file")"
    export "$name=$value"
    unset "${name}_FILE"
  fi
done
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

#!/usr/bin/env bash
# Writes the compose stack's secrets into docker/secrets/ (ignored by git), each only if missing, with
# the project's own commands (bin/ipsec-mesh, i.e. the gateway jar ./mvnw package built):
#   kek                       the cluster's key-encryption key (ipsec-mesh kek init), for the services
#                             that run as the images' user ipsec (10001)
#   esp-forwarder/kek         a copy of the same KEK for the forwarder (root without CAP_DAC_OVERRIDE)
#   api-token                 the management API's bearer token, 43 characters (config-service only)
#   tls/ca.pem                the cluster CA certificate (ipsec-mesh tls init), every member's trust anchor
#   tls/ca.p12                the CA's key: it signs member certificates and is mounted into no container
#   tls/NAME/member.p12       NAME's event-bus key and certificate, one per service
# Compose mounts secret files with their host owner and mode, and the JVM refuses a KEK file or keystore
# anyone but its owner may read (mode 0400/0600 only): so each file is owned by the uid that reads it,
# mode 0400 - 10001 for the non-root services, root for the forwarder's copies (root without
# CAP_DAC_OVERRIDE still reads a file it owns). Run it as root (or, rootless, chown with `podman unshare`).
# Usage: docker/make-secrets.sh [DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mesh="$here/../bin/ipsec-mesh"
dir="${1:-$here/secrets}"
services=(config-service ike-service dpd-service esp-forwarder nat-keepalive)
mkdir -p "$dir"
chmod 0755 "$dir"
umask 077
if [[ ! -s "$dir/kek" ]]; then
  "$mesh" kek init "$dir/kek" >/dev/null
fi
if [[ ! -s "$dir/api-token" ]]; then
  head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_' > "$dir/api-token"
fi
missing=()
for s in "${services[@]}"; do
  [[ -s "$dir/tls/$s/member.p12" ]] || missing+=("$s")
done
if (( ${#missing[@]} > 0 )); then
  "$mesh" tls init --kek-file "$dir/kek" "$dir/tls" "${missing[@]}" >/dev/null
fi
mkdir -p "$dir/esp-forwarder"
if [[ ! -s "$dir/esp-forwarder/kek" ]]; then
  cp "$dir/kek" "$dir/esp-forwarder/kek"
fi

# owner (uid) and mode of every file a container reads
own() {
  chmod "$2" "$3"
  if [[ "$(id -u)" == 0 ]]; then
    chown "$1:$1" "$3"
  fi
}
own 10001 0400 "$dir/kek"
own 10001 0400 "$dir/api-token"
own 0 0400 "$dir/esp-forwarder/kek"
own 0 0600 "$dir/tls/ca.p12"
own 0 0444 "$dir/tls/ca.pem"
for s in "${services[@]}"; do
  if [[ "$s" == esp-forwarder ]]; then
    own 0 0400 "$dir/tls/$s/member.p12"
  else
    own 10001 0400 "$dir/tls/$s/member.p12"
  fi
done
# tls init makes its directories 0700; the runtime (root) mounts the files, and the host's users
# need not look in
chmod 0700 "$dir/tls" "$dir/esp-forwarder"
if [[ "$(id -u)" != 0 ]]; then
  echo "not root: files left owned by $(id -u); rootless podman: podman unshare chown 10001:10001 $dir/kek $dir/api-token $dir/tls/{config-service,ike-service,dpd-service,nat-keepalive}/member.p12" >&2
fi
echo "secrets in $dir: kek esp-forwarder/kek api-token tls/ca.pem tls/NAME/member.p12 (tls/ca.p12: keep it off the containers)"

#!/usr/bin/env bash
# Writes the compose stack's secrets into docker/secrets/ (ignored by git), each only if missing:
#   kek        the cluster's key-encryption key, 64 hex digits (32 random bytes)
#   api-token  the management API's bearer token, 43 characters
# Mode 0440, owner and group 10001 (the images' non-root user; the forwarder runs as root in group 10001),
# because compose mounts secret files with their host owner and mode. Usage: docker/make-secrets.sh [DIR]
set -euo pipefail
dir="${1:-$(dirname "$0")/secrets}"
mkdir -p "$dir"
chmod 0755 "$dir"
umask 077
if [[ ! -s "$dir/kek" ]]; then
  od -An -vtx1 -N32 /dev/urandom | tr -d ' \n' > "$dir/kek"
fi
if [[ ! -s "$dir/api-token" ]]; then
  head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_' > "$dir/api-token"
fi
for f in kek api-token; do
  chmod 0440 "$dir/$f"
  if [[ "$(id -u)" == 0 ]]; then
    chown 10001:10001 "$dir/$f"
  fi
done
echo "secrets in $dir: kek api-token"

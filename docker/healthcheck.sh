#!/bin/bash
# Container health check: healthcheck.sh [PORT]: exit 0 when GET /health on 127.0.0.1:PORT answers
# 200 (default 9400, the metrics port; config-service's API on 8300 answers /health too). bash's
# /dev/tcp, so the images need neither curl nor wget.
port="${1:-9400}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
esac
echo "unhealthy: $status" >&2
exit 1

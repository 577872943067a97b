#!/bin/bash
# compare-strongswan.sh - LAN-to-LAN iperf3 (TCP, one stream, lana -> lanb) through
#   1. strongSwan 5.9.8 with its userspace ESP (kernel-libipsec, IKEv2, AES-128-GCM-16,
#      ESP-in-UDP 4500), started with the shared interop harness, and
#   2. two esp-forwarders with manual keys (AES-256-CBC + HMAC-SHA-256-128: a counter-mode AEAD
#      must not be used with manual keys, RFC 4106 §2 / RFC 8221 §3; ESP-in-UDP 4500), via
#      ManualKeyNetnsTest (child JVMs under ip netns exec),
# one after the other on the same namespace layout and addresses:
#
#   lana 10.91.21.10 -- gwa 10.91.21.1 | 172.31.252.1 == 172.31.252.2 | gwb 10.91.22.1 -- lanb 10.91.22.10
#
# usage (root, from anywhere): compare-strongswan.sh [seconds=10] [warm-up seconds=3]
# Everything runs inside namespaces created here (names carry this shell's PID) and is
# deleted on exit; charon instances are stopped by their recorded PID.
set -euo pipefail
SECS=${1:-10}
WARMUP=${2:-3}   # unmeasured iperf3 seconds first, for both (the JVMs' JIT needs it, charon does not)
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../../.." && pwd)
INTEROP=${INTEROP:-$REPO/test-support/src/main/resources/interop}   # the repository's namespace harness (test-support)
export INTEROP_RUN=/tmp/esp-ss-$$
T=$(( $$ % 100000 ))
LANA=sla$T GWA=sga$T GWB=sgb$T LANB=slb$T

cleanup() {
    for i in gwa gwb; do
        [ -f "$INTEROP_RUN/$i/instance.env" ] && "$INTEROP/charon-stop.sh" "$i" >/dev/null 2>&1 || true
    done
    for ns in $LANA $GWA $GWB $LANB; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$INTEROP_RUN"
}
trap cleanup EXIT

for ns in $LANA $GWA $GWB $LANB; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
lan() {  # gw host gwaddr hostaddr
    ip link add lan0 netns "$1" type veth peer name eth0 netns "$2"
    ip -n "$1" addr add "$3/24" dev lan0; ip -n "$2" addr add "$4/24" dev eth0
    ip -n "$1" link set lan0 up; ip -n "$2" link set eth0 up
    ip -n "$2" route add default via "$3"
}
lan $GWA $LANA 10.91.21.1 10.91.21.10
lan $GWB $LANB 10.91.22.1 10.91.22.10
ip link add wan0 netns $GWA type veth peer name wan0 netns $GWB
ip -n $GWA addr add 172.31.252.1/30 dev wan0; ip -n $GWB addr add 172.31.252.2/30 dev wan0
ip -n $GWA link set wan0 up; ip -n $GWB link set wan0 up
for gw in $GWA $GWB; do
    ip netns exec $gw sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done

echo "# $(date +%T) loadavg $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cpus)"
LOCAL_ID=gwa.interop.test REMOTE_ID=gwb.interop.test LOCAL_TS=10.91.21.0/24 REMOTE_TS=10.91.22.0/24 \
    REMOTE_ADDRS=172.31.252.2 "$INTEROP/charon-start.sh" $GWA ikev2-gcm gwa >/dev/null
LOCAL_ID=gwb.interop.test REMOTE_ID=gwa.interop.test LOCAL_TS=10.91.22.0/24 REMOTE_TS=10.91.21.0/24 \
    REMOTE_ADDRS=172.31.252.1 "$INTEROP/charon-start.sh" $GWB ikev2-gcm gwb >/dev/null
"$INTEROP/sw.sh" gwa --initiate --child net --timeout 30 >/dev/null
ip netns exec $LANB timeout $((SECS + WARMUP + 40)) iperf3 -s -B 10.91.22.10 >/dev/null 2>&1 &
SERVER=$!
for i in $(seq 1 50); do
    [ -n "$(ip netns exec $LANB ss -Hltn 'sport = :5201')" ] && break
    sleep 0.1
done
[ "$WARMUP" -gt 0 ] && ip netns exec $LANA timeout $((WARMUP + 20)) iperf3 -c 10.91.22.10 -t "$WARMUP" >/dev/null
ip netns exec $LANA timeout $((SECS + 20)) iperf3 -c 10.91.22.10 -t "$SECS" -J >"$INTEROP_RUN/ss.json"
kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true
python3 - "$INTEROP_RUN/ss.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(f'strongSwan kernel-libipsec: {e["sum_received"]["bits_per_second"]/1e6:.0f} Mbit/s received, '
      f'{e["sum_sent"].get("retransmits", 0)} retransmits')
PY
cleanup
trap - EXIT

echo "# $(date +%T) loadavg $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cpus)"
cd "$REPO"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} ./mvnw -q -B -o -pl esp-forwarder test \
    -Dtest=ManualKeyNetnsTest -Desp.iperfSeconds="$SECS" -Desp.iperfWarmup="$WARMUP" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
    | grep -E "^LAN-to-LAN|FAIL|ERROR\]" | head -5 || true

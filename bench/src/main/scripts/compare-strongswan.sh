#!/bin/bash
# compare-strongswan.sh - LAN-to-LAN iperf3 (TCP, one stream, lana -> lanb) through
#   1. strongSwan 5.9.8 with its userspace ESP (kernel-libipsec, IKEv2, AES-128-GCM-16,
#      ESP-in-UDP 4500), started with the repository's interop harness
#      (test-support/src/main/resources/interop), and
#   2. two esp-forwarders with manual keys (AES-256-CBC + HMAC-SHA-256-128: a counter-mode AEAD
#      must not be used with manual keys, RFC 4106 §2 / RFC 8221 §3; ESP-in-UDP 4500), via
#      esp-forwarder's ManualKeyNetnsTest (child JVMs under ip netns exec),
# one after the other on the same namespace layout and addresses:
#
#   lana 10.91.21.10 -- gwa 10.91.21.1 | 172.31.252.1 == 172.31.252.2 | gwb 10.91.22.1 -- lanb 10.91.22.10
#
# The transforms differ (manual keys refuse GCM): for the same transforms with IKE-negotiated SAs on both
# sides use dataplane-ike.sh.
#
# usage (root, from anywhere in a clone): compare-strongswan.sh [seconds=10] [warm-up seconds=3]
# Works from a fresh clone: ManualKeyNetnsTest runs in this checkout's reactor (./mvnw -pl esp-forwarder
# -am test, nothing installed, no ~/.m2 snapshot of this project). Everything runs inside namespaces
# created here (names carry this shell's PID) and deleted on exit, also on failure; charon instances are
# stopped by their recorded PID. Run time ≈ 2 × (seconds + warm-up) + 1–2 min (build, JVM start).
set -euo pipefail
# shellcheck source=lib/bench-common.sh
. "$(dirname "$0")/lib/bench-common.sh"
SECS=${1:-10}
WARMUP=${2:-3}   # unmeasured iperf3 seconds first, for both (the JVMs' JIT needs it, charon does not)
bench_need_root
bench_need iperf3 python3 /usr/lib/ipsec/charon
export INTEROP_RUN=/tmp/esp-ss-$$
T=$(( $$ % 100000 ))
LANA=sla$T GWA=sga$T GWB=sgb$T LANB=slb$T
SERVER=""

cleanup() {
    [ -n "$SERVER" ] && bench_stop_pid "$SERVER"
    for i in gwa gwb; do
        [ -f "$INTEROP_RUN/$i/instance.env" ] && "$HARNESS/charon-stop.sh" "$i" >/dev/null 2>&1 || true
    done
    for ns in $LANA $GWA $GWB $LANB; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$INTEROP_RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$INTEROP_RUN"

# compile first, so the build is not inside the measured part's minute
echo "# building esp-forwarder and its test classes in the reactor" >&2
(cd "$ROOT" && ./mvnw -q -B -pl esp-forwarder -am test-compile -Djacoco.skip=true >&2) || bench_die "build failed"

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

echo "# $(date -u +%FT%TZ) compare-strongswan.sh $SECS s (warm-up $WARMUP s); $(nproc) cpus, loadavg $(bench_loadavg)"
LOAD1=$(bench_loadavg)
LOCAL_ID=gwa.interop.test REMOTE_ID=gwb.interop.test LOCAL_TS=10.91.21.0/24 REMOTE_TS=10.91.22.0/24 \
    REMOTE_ADDRS=172.31.252.2 "$HARNESS/charon-start.sh" $GWA ikev2-gcm gwa >/dev/null
LOCAL_ID=gwb.interop.test REMOTE_ID=gwa.interop.test LOCAL_TS=10.91.22.0/24 REMOTE_TS=10.91.21.0/24 \
    REMOTE_ADDRS=172.31.252.1 "$HARNESS/charon-start.sh" $GWB ikev2-gcm gwb >/dev/null
"$HARNESS/sw.sh" gwa --initiate --child net --timeout 30 >/dev/null
ip netns exec $LANB timeout $((SECS + WARMUP + 40)) iperf3 -s -B 10.91.22.10 >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do
    [ -n "$(ip netns exec $LANB ss -Hltn 'sport = :5201')" ] && break
    sleep 0.1
done
[ "$WARMUP" -gt 0 ] && ip netns exec $LANA timeout $((WARMUP + 20)) iperf3 -c 10.91.22.10 -t "$WARMUP" >/dev/null
ip netns exec $LANA timeout $((SECS + 20)) iperf3 -c 10.91.22.10 -t "$SECS" -J >"$INTEROP_RUN/ss.json"
bench_stop_pid "$SERVER"; SERVER=""
SS=$(python3 - "$INTEROP_RUN/ss.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(f'{e["sum_received"]["bits_per_second"]/1e6:.0f} {e["sum_sent"].get("retransmits", 0)}')
PY
)
LOAD1="$LOAD1 → $(bench_loadavg)"
cleanup
trap cleanup EXIT

LOAD2=$(bench_loadavg)
OUT=$(cd "$ROOT" && ./mvnw -q -B -pl esp-forwarder -am test -Djacoco.skip=true \
    -Dtest=ManualKeyNetnsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Desp.iperfSeconds="$SECS" -Desp.iperfWarmup="$WARMUP" 2>&1 || true)
LOAD2="$LOAD2 → $(bench_loadavg)"
FWD=$(grep -E "^LAN-to-LAN" <<<"$OUT" | sed -n 's/.*: \([0-9]*\) Mbit\/s received, \([0-9]*\) retransmits.*/\1 \2/p' | head -1)
[ -n "$FWD" ] || { grep -E "FAIL|ERROR\]|Tests run|skipped" <<<"$OUT" | head -20 >&2; bench_die "ManualKeyNetnsTest gave no result"; }
read -r ssm ssr <<<"$SS"; read -r fm fr <<<"$FWD"
echo
echo "| $(date -u +%FT%TZ), iperf3 -t $SECS after $WARMUP s warm-up | Mbit/s | TCP retransmits | loadavg (before → after) |"
echo "|---|---|---|---|"
echo "| strongSwan kernel-libipsec, IKEv2, ESP AES-128-GCM-16 | $ssm | $ssr | $LOAD1 |"
echo "| esp-forwarders, manual keys, ESP AES-256-CBC + HMAC-SHA-256-128 | $fm | $fr | $LOAD2 |"
echo "| ratio esp-forwarder / strongSwan | $(echo "scale=2; $fm / $ssm" | bc -l)× | | |"

#!/bin/bash
# ike-loadtest.sh - IKEv2 responder under load: IKE_SA/s and CPU per IKE_SA of our gateway
# (ipsec-mesh run) beside strongSwan's own responder, both driven in the same run by strongSwan's
# load-tester plugin.  Not part of the build; results go to docs/performance.md
# ("IKEv2 responder under load").
#
# usage: ike-loadtest.sh [count=1000] [runs=3] [delay_ms=1]
#
# Needs root, the private strongSwan build with load-tester
# (bench/src/main/scripts/build-strongswan-lt.sh -> /opt/strongswan-lt, run by this script when missing), Debian's charon with
# kernel-libipsec (the strongSwan responder), and a built gateway (gateway/target/ipsec-mesh.jar,
# built here with ./mvnw -pl gateway -am package when missing).
#
# Setup (the repository's namespace harness, test-support/src/main/resources/interop, in namespaces
# ltgwa / ltgwb / ltlana / ltlanb, removed at the end, also on failure):
#   initiator: charon (lt build) in ltgwa, load-tester with its fake kernel backend, IKEv2
#              aes128gcm16-prfsha256-x25519 / ESP aes128gcm16, PSK, one CHILD_SA per IKE_SA,
#              TSi 10.91.1.0/24 TSr 10.91.2.0/24; "load-tester initiate <count> <delay_ms>".
#   responder: in ltgwb at 172.31.255.2, fresh for every run:
#     strongswan  Debian's charon (kernel-libipsec), dos_protection/cookie/block thresholds off
#                 (all load comes from one address), as tools/interop/loadtest.sh does;
#     ipsec-mesh  the whole gateway (ipsec-mesh run: config, ike, esp-forwarder, dpd, nat-keepalive)
#                 with an IOS configuration for the same proposals, --ike-cookie-threshold and
#                 --ike-half-open-per-peer raised above <count> for the same reason (the cookie
#                 mechanism stays on).
#   Identities: the load-tester's responder_id is set to 172.31.255.2 for both responders (its default
#   IDr is srv.strongswan.org); the initiators keep their FQDNs c<N>-r1.strongswan.org, which our profile
#   accepts with match identity remote fqdn domain strongswan.org (IOS enforces the profile's match on
#   IDi: an address match refuses them all with AUTHENTICATION_FAILED); the PSK is the keyring peer's,
#   found by address.
#
# JAVA_OPTS: extra JVM options for the gateway (e.g. a JFR recording of the responder).
# WARM=N: N warm batches per JVM instead of one (each with the SAs of the ones before still up).
# THREADS=1: after each batch, the responder's CPU split by thread group (event loops, workers, Hazelcast,
# JIT compiler, GC, ...), from /proc/<pid>/task/*/stat.
# JAR: the gateway jar to run (default gateway/target/ipsec-mesh.jar), e.g. a copy of an older build.
# Measured per batch: established IKE_SAs / wall time of the CLI, and the responder process's
# utime+stime (/proc/<pid>/stat) during the batch / established IKE_SAs.  The JVM runs two batches per
# run: "cold" (JIT compiling) and "warm" (same JVM, the first batch's SAs still up).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
HARNESS=$ROOT/test-support/src/main/resources/interop
export NS_A=ltgwa NS_B=ltgwb NS_LAN_A=ltlana NS_LAN_B=ltlanb
export INTEROP_RUN=${INTEROP_RUN:-/tmp/ike-loadtest-run}
# shellcheck disable=SC1091
. "$HARNESS/common.sh"
need_root
COUNT=${1:-1000} RUNS=${2:-3} DELAY=${3:-1}
PSK=load-tester-psk-0123456789
JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
JAR=${JAR:-$ROOT/gateway/target/ipsec-mesh.jar}
MAX_SECS=${MAX_SECS:-120}
# warm batches per JVM after the cold one (WARM=3: the JIT compiler is still busy in the first warm batch)
WARM=${WARM:-1}
# build what is missing, so the script works from a fresh clone
[ -x /opt/strongswan-lt/lib/ipsec/load-tester ] || "$ROOT/bench/src/main/scripts/build-strongswan-lt.sh" \
    || die "could not build /opt/strongswan-lt (build-strongswan-lt.sh)"
if [ ! -f "$JAR" ]; then
    (cd "$ROOT" && JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} ./mvnw -B -q -pl gateway -am package -Dmaven.test.skip=true) \
        || die "could not build $JAR"
fi
TMP=$(mktemp -d /tmp/ike-loadtest.XXXXXX)
GW_PID=""
cleanup() {
    [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
    for i in ldt-init ldt-resp; do
        [ -f "$INTEROP_RUN/$i/instance.env" ] && "$HARNESS/charon-stop.sh" "$i" >/dev/null 2>&1 || true
    done
    "$HARNESS/netns-down.sh" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
"$HARNESS/netns-up.sh" >/dev/null

cat > "$TMP/init-charon.conf" <<'EOF'
    reuse_ikesa = no
    ikesa_table_size = 1024
    ikesa_table_segments = 16
EOF
cat > "$TMP/init-plugins.conf" <<EOF
        load-tester {
            enable = yes
            initiators = 0
            fake_kernel = yes
            version = 2
            initiator = $A_WAN_PLAIN
            responder = $B_WAN
            responder_id = $B_WAN
            proposal = aes128gcm16-prfsha256-x25519
            esp = aes128gcm16
            initiator_auth = psk
            responder_auth = psk
            preshared_key = $PSK
            initiator_tsi = $A_LAN_NET
            initiator_tsr = $B_LAN_NET
            delete_after_established = no
        }
EOF
cat > "$TMP/resp-charon.conf" <<'EOF'
    dos_protection = no
    cookie_threshold = 0
    cookie_threshold_ip = 0
    block_threshold = 0
    ikesa_table_size = 1024
    ikesa_table_segments = 16
EOF
cat > "$TMP/gwb.cfg" <<EOF
! responder for strongSwan's load-tester: same proposals, PSK for the initiator's address
crypto ikev2 proposal LT
 encryption aes-gcm-128
 prf sha256
 group 31
crypto ikev2 policy POL
 proposal LT
crypto ikev2 keyring KR
 peer ldt
  address $A_WAN_PLAIN
  pre-shared-key $PSK
crypto ikev2 profile PROF
 match identity remote fqdn domain strongswan.org
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
crypto ipsec transform-set TS esp-gcm 128
crypto map VPN 10 ipsec-isakmp
 set peer $A_WAN_PLAIN
 set transform-set TS
 set ikev2-profile PROF
 match address 101
interface wan0
 ip address $B_WAN 255.255.255.252
 crypto map VPN
interface lan0
 ip address $B_LAN_GW 255.255.255.0
access-list 101 permit ip 10.91.2.0 0.0.0.255 10.91.1.0 0.0.0.255
end
EOF

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# utime+stime of each thread of $1, "ticks<TAB>name" per line (THREADS=1: the split per thread group is printed)
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s\t%s\n' "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')" "$(cat "$t/comm" 2>/dev/null)"
    done
}
# the CPU of a batch by thread group (digits in thread names folded), the largest first: JIT and GC included,
# which JFR's execution samples leave out
thread_split() {
    python3 - "$1" "$2" "$3" <<'PY'
import collections, re, sys
def load(path):
    d = collections.Counter()
    for line in open(path):
        ticks, _, name = line.rstrip('\n').partition('\t')
        if ticks.strip():
            d[re.sub(r'[0-9]+', '#', name)] += int(ticks)
    return d
before, after, total = load(sys.argv[1]), load(sys.argv[2]), max(1, int(sys.argv[3]))
delta = {k: after[k] - before.get(k, 0) for k in after}
parts = ['%s %d%%' % (k, round(100.0 * v / total)) for k, v in sorted(delta.items(), key=lambda x: -x[1]) if v > 0]
print('    responder threads: ' + ', '.join(parts[:10]))
PY
}
HZ=$(getconf CLK_TCK)
start_initiator() {
    SS_BUILD=lt KERNEL=fake LOAD=no LOG_DEFAULT=0 LOG_IKE=0 LOG_NET=0 LOG_ENC=0 LOG_CFG=0 LOG_KNL=0 LOG_CHD=0 \
    EXTRA_CHARON_CONF=$TMP/init-charon.conf EXTRA_PLUGINS_CONF=$TMP/init-plugins.conf \
        "$HARNESS/charon-start.sh" "$NS_A" ikev2-gcm ldt-init >/dev/null
}
# one batch against the responder with pid $2, labelled $1: prints one result line
batch() {
    local label=$1 rpid=$2 out t0 t1 r0 r1 ok fail retr secs
    [ "${THREADS:-0}" = 1 ] && thread_ticks "$rpid" > "$TMP/threads0"
    r0=$(cpu_ticks "$rpid"); t0=$(now)
    out=$(unshare --mount --propagation private sh -c \
        'mount --bind "$1" /opt/strongswan-lt/run && exec timeout "$2" /opt/strongswan-lt/lib/ipsec/load-tester initiate "$3" "$4"' \
        ldt "$INTEROP_RUN/ldt-init/run" "$MAX_SECS" "$COUNT" "$DELAY" 2>&1 || true)
    t1=$(now); r1=$(cpu_ticks "$rpid")
    [ "${THREADS:-0}" = 1 ] && thread_ticks "$rpid" > "$TMP/threads1"
    ok=$(tr -cd '+' <<<"$out" | wc -c); fail=$(tr -cd -- '-' <<<"$out" | wc -c); retr=$(tr -cd '*' <<<"$out" | wc -c)
    secs=$(echo "$t1 - $t0" | bc -l)
    if [ "$ok" -gt 0 ]; then
        printf '%-22s %5d ok %3d failed %4d retransmits %6.2f s %6.0f IKE_SA/s  responder cpu %.3f ms/IKE_SA  loadavg %s\n' \
            "$label" "$ok" "$fail" "$retr" "$secs" "$(echo "$ok / $secs" | bc -l)" \
            "$(echo "($r1 - $r0) * 1000 / $HZ / $ok" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
        if [ "${THREADS:-0}" = 1 ]; then thread_split "$TMP/threads0" "$TMP/threads1" "$((r1 - r0))"; fi
    else
        printf '%-22s 0 ok %d failed: %s\n' "$label" "$fail" "$(head -c 300 <<<"$out")"
    fi
}

echo "# $(date -u +%FT%TZ) $COUNT IKE_SAs per batch, $RUNS runs, ${DELAY} ms between initiations; $(nproc) cpus, loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS"); do
    # strongSwan's responder, fresh daemon
    LOCAL_ID=$B_WAN REMOTE_ID=%any REMOTE_ADDRS=%any SECRET_ID_A=$B_WAN SECRET_ID_B=%any PSK=$PSK \
    LOCAL_TS=$B_LAN_NET REMOTE_TS=$A_LAN_NET EXTRA_CHARON_CONF=$TMP/resp-charon.conf \
    LOG_DEFAULT=0 LOG_IKE=0 LOG_NET=0 LOG_ENC=0 LOG_CFG=0 LOG_KNL=0 LOG_CHD=0 \
        "$HARNESS/charon-start.sh" "$NS_B" ikev2-gcm ldt-resp >/dev/null
    start_initiator
    batch "run $i strongswan" "$(cat "$INTEROP_RUN/ldt-resp/run/charon.pid")"
    "$HARNESS/charon-stop.sh" ldt-init >/dev/null
    "$HARNESS/charon-stop.sh" ldt-resp >/dev/null

    # our gateway, fresh JVM: ip netns exec execs java, so $! is the JVM
    ip netns exec "$NS_B" "$JAVA" --enable-native-access=ALL-UNNAMED \
        --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
        --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
        --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Xmx768m ${JAVA_OPTS:-} \
        -cp "$JAR" io.ipsecmesh.gateway.Main run --config "$TMP/gwb.cfg" --api-port 0 --metrics-port 0 \
        --api-file "$TMP/api.json" --ike-cookie-threshold "$((COUNT + 100 < 4096 ? COUNT + 100 : 4096))" \
        --ike-half-open-per-peer "$((COUNT + 100 < 4096 ? COUNT + 100 : 4096))" \
        > "$TMP/gateway-$i.log" 2>&1 &
    GW_PID=$!
    for _ in $(seq 1 1200); do
        grep -q "ipsec-mesh: started" "$TMP/gateway-$i.log" && break
        kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$TMP/gateway-$i.log" >&2; die "gateway exited"; }
        sleep 0.1
    done
    grep -q "ipsec-mesh: started" "$TMP/gateway-$i.log" || die "gateway did not start"
    start_initiator
    batch "run $i ipsec-mesh cold" "$GW_PID"
    "$HARNESS/charon-stop.sh" ldt-init >/dev/null
    for w in $(seq 1 "$WARM"); do
        start_initiator
        batch "run $i ipsec-mesh warm$([ "$WARM" -gt 1 ] && echo " $w")" "$GW_PID"
        "$HARNESS/charon-stop.sh" ldt-init >/dev/null
    done
    { grep -c "Crypto tunnel is UP" "$TMP/gateway-$i.log" || true; } | sed 's/^/    gateway log: tunnels UP: /'
    kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=""
done

#!/bin/bash
# ike-loadtest.sh - IKEv2 responder under load: IKE_SA/s and CPU per IKE_SA of our gateway
# (ipsec-mesh run) beside strongSwan's own responder, both driven in the same run by strongSwan's
# load-tester plugin.  Not part of the build; results go to docs/performance.md
# ("IKEv2 responder under load").
#
# usage: ike-loadtest.sh [count=1000] [runs=3] [delay_ms=1]
#
# Needs root, the private strongSwan build with load-tester
# (bench/src/main/scripts/build-strongswan-lt.sh -> /opt/strongswan-lt, run by this script when missing),
# Debian's charon with kernel-libipsec (the strongSwan responder). Builds the gateway itself in this
# checkout's reactor (lib/bench-common.sh: ./mvnw -pl gateway -am package, no install, no ~/.m2 snapshot
# of this project; SKIP_BUILD=yes reuses gateway/target/ipsec-mesh.jar; with JAR= nothing is built). Run time:
# about RUNS × ((2 + WARM) × COUNT × DELAY ms + 30 s): 1000 2 1 → 2 min on a quiet machine.
#
# Setup (the repository's namespace harness, test-support/src/main/resources/interop, in namespaces
# ltgwa / ltgwb / ltlana / ltlanb, removed at the end, also on failure):
#   initiator: charon (lt build) in ltgwa, load-tester with its fake kernel backend, IKEv2
#              aes128gcm16-prfsha256-x25519 / ESP aes128gcm16, PSK, one CHILD_SA per IKE_SA,
#              TSi 10.91.1.0/24 TSr 10.91.2.0/24; "load-tester initiate <count> <delay_ms>".
#   responder: in ltgwb at 172.31.255.2, fresh for every run:
#     strongswan  Debian's charon (kernel-libipsec), dos_protection/cookie/block thresholds off
#                 (all load comes from one address), as strongSwan's own load tests do;
#     ipsec-mesh  the whole gateway (ipsec-mesh run: config, ike, esp-forwarder, dpd, nat-keepalive)
#                 with an IOS configuration for the same proposals, --ike-cookie-threshold and
#                 --ike-half-open-per-peer raised above <count> for the same reason (the cookie
#                 mechanism stays on).
#   Identities: the load-tester's responder_id is set to 172.31.255.2 for both responders (its default
#   IDr is srv.strongswan.org); the initiators keep their FQDNs c<N>-r1.strongswan.org, accepted by our
#   profile's `match identity remote fqdn domain strongswan.org` (lib/load-tester.sh).
#
# Environment:
#   WARM=N     warm batches per JVM after the cold one (default 1), each with the SAs of the batches before
#              still up; with N > 1 they are labelled "warm 1".."warm N" and the final table takes the last
#              (WARM=3: the JIT compiler is still busy in the first warm batch).
#   THREADS=1  after each batch, the responder's CPU during it split by thread group (event loops, workers,
#              Hazelcast, JIT compiler, GC, ...: lib/bench-common.sh bench_thread_split), from
#              /proc/<pid>/task/*/stat taken at the batch's edges; strongSwan's charon shows as one group; and
#              the process's CPU without the compiler threads (the work apart from compiling it, which still falls
#              batch by batch as C2 replaces C1's code: docs/performance.md, "the JIT to 10 000 SAs"), and how often
#              each group was scheduled in per IKE SA (.../schedstat: an event loop's wake-ups, each hand-off from
#              another thread that found it asleep).
#   JAR=path   the gateway jar to run instead of gateway/target/ipsec-mesh.jar, e.g. an older build: its
#              ipsec-mesh.jar with that build's lib/ beside it (checked); nothing is built then.
#   JAVA_OPTS  extra JVM options for the gateway (e.g. a JFR recording of the responder); HEAP its -Xmx
#              (default 768m); MAX_SECS bounds each batch (default 120 s); SKIP_BUILD=yes.
# Measured per batch: established IKE_SAs / wall time of the CLI, and the responder process's
# utime+stime (/proc/<pid>/stat) during the batch / established IKE_SAs; "rcvbuf drops A/B": UDP datagrams the
# initiator's / the responder's namespace dropped for a full receive buffer during the batch. The initiator's IKE
# sockets get 8 MB (lib/load-tester.sh, lt_build_rcvbuf_preload): with the kernel's 208 KB its socket dropped a warm
# batch's answers while the gateway, on the same two cores, answered a burst, and each dropped answer came back as
# one of the initiator's retransmits 4 s later (2026-12-07: 29 drops, 29 retransmits, one batch in three).
# The JVM runs 1 + WARM batches per run: "cold" (JIT compiling) and "warm" (same JVM, the earlier batches' SAs
# still up).
set -euo pipefail
# shellcheck source=lib/bench-common.sh
. "$(dirname "$0")/lib/bench-common.sh"
COUNT=${1:-1000} RUNS=${2:-3} DELAY=${3:-1}
MAX_SECS=${MAX_SECS:-120}   # bound of each load-tester batch
HEAP=${HEAP:-768m}
export METRICS_PORT=${METRICS_PORT:-9400}   # the gateway's /metrics, inside its own namespace
WARM=${WARM:-1} THREADS=${THREADS:-0}
[[ $WARM =~ ^[1-9][0-9]*$ ]] || bench_die "WARM=$WARM: the number of warm batches per JVM, 1 or more"
[[ $THREADS =~ ^[01]$ ]] || bench_die "THREADS=$THREADS: 1 (split the responder's CPU by thread group) or 0"
bench_need_root
bench_need bc /usr/lib/ipsec/charon
export NS_A=ltgwa NS_B=ltgwb NS_LAN_A=ltlana NS_LAN_B=ltlanb
export INTEROP_RUN=/tmp/ike-loadtest-$$
TMP=$INTEROP_RUN/bench
# shellcheck disable=SC1091
. "$HARNESS/common.sh"
# shellcheck source=lib/load-tester.sh
. "$BENCH_SCRIPTS/lib/load-tester.sh"
# build what is missing or stale, so the script works from a fresh clone
bench_need_load_tester
bench_build_gateway
cleanup() {
    local rc=$?
    bench_stop_all
    if [ "$rc" != 0 ] && [ -d "$TMP" ]; then   # keep the logs of a failed run
        mkdir -p "/tmp/ike-loadtest-failed-$$"; cp "$TMP"/*.log "/tmp/ike-loadtest-failed-$$/" 2>/dev/null || true
        echo "logs kept in /tmp/ike-loadtest-failed-$$" >&2
    fi
    "$HARNESS/netns-down.sh" >/dev/null 2>&1 || true   # charon instances by recorded PID, then the namespaces
    rm -rf "$INTEROP_RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP"
if [ "$THREADS" = 1 ]; then export LT_THREAD_SNAPSHOTS=$TMP/threads; mkdir -p "$LT_THREAD_SNAPSHOTS"; fi
"$HARNESS/netns-up.sh" >/dev/null
lt_write_confs
lt_gateway_cfg "$TMP/gwb.cfg"
# the initiator's IKE socket gets 8 MB, so that its drops never count as the responder's retransmits (lib/load-tester.sh)
PRELOAD=$(lt_build_rcvbuf_preload "$TMP")
LIMIT=$((COUNT + 100 < 4096 ? COUNT + 100 : 4096))

# one batch against the responder with pid $2, labelled $1: prints one result line
batch() {
    lt_batch "$COUNT" "$DELAY" "$2"
    if [ "$LT_OK" -gt 0 ]; then
        printf '%-22s %5d ok %3d failed %4d retransmits %6.2f s %6.0f IKE_SA/s  responder cpu %.3f ms/IKE_SA  loadavg %s  rcvbuf drops %d/%d\n' \
            "$1" "$LT_OK" "$LT_FAIL" "$LT_RETR" "$LT_SECS" "$(echo "$LT_OK / $LT_SECS" | bc -l)" "$LT_CPU_MS" "$(bench_loadavg)" \
            "$LT_DROPS_A" "$LT_DROPS_B" \
            | tee -a "$TMP/results"
        if [ "$THREADS" = 1 ]; then
            bench_thread_split "$LT_THREAD_SNAPSHOTS/$2.before" "$LT_THREAD_SNAPSHOTS/$2.after" "$LT_OK"
        fi
    else
        echo "$1 failed" >>"$TMP/results"
        printf '%-22s 0 ok %d failed: %s\n' "$1" "$LT_FAIL" "$LT_OUT_HEAD"
    fi
}

# How long the gateway's IKE_AUTH answers waited for its forwarder to confirm the Child SA (RFC 7296 2.8), from
# ipsecmesh_ike_child_sa_answer_wait_seconds and ipsecmesh_ike_child_sas_unconfirmed_total on the gateway's /metrics
confirmation_waits() {
    ip netns exec "$NS_B" curl -s --max-time 10 "http://127.0.0.1:$METRICS_PORT/metrics" >"$TMP/metrics-$1.txt" || true
    python3 - "$1" "$TMP/metrics-$1.txt" <<'PY'
import re, sys
m = open(sys.argv[2]).read()
def v(name):
    return sum(float(x) for x in re.findall(r"(?m)^" + name + r"(?:\{[^}]*\})? ([0-9.eE+]+)$", m))
n = v("ipsecmesh_ike_child_sa_answer_wait_seconds_count")
total = v("ipsecmesh_ike_child_sa_answer_wait_seconds_sum")
le = dict(re.findall(r'(?m)^ipsecmesh_ike_child_sa_answer_wait_seconds_bucket\{(?:[^}]*,)?le="([0-9.]+)"[^}]*\} ([0-9.eE+]+)$',
                    m))
def pct(bound):
    return f"{100 * float(le.get(bound, 0)) / n:.1f} %" if n else "-"
mean = 1000 * total / n if n else 0
print(f"    run {sys.argv[1]}: answers that waited for the forwarder's confirmation {n:.0f}, mean {mean:.2f} ms,"
      f" <= 1 ms {pct('0.001')}, <= 5 ms {pct('0.005')}; Child SAs unconfirmed after the bound"
      f" {v('ipsecmesh_ike_child_sas_unconfirmed_total'):.0f}")
PY
}

echo "# $(date -u +%FT%TZ) $COUNT IKE_SAs per batch, $RUNS runs, 1 cold + $WARM warm batches per JVM," \
    "${DELAY} ms between initiations; $(nproc) cpus, loadavg before: $(bench_loadavg)"
echo "# gateway: $(bench_jar_label), -Xmx$HEAP${JAVA_OPTS:+, JAVA_OPTS=$JAVA_OPTS}"
for i in $(seq 1 "$RUNS"); do
    # strongSwan's responder, fresh daemon
    rpid=$(lt_start_strongswan_responder)
    LT_PRELOAD=$PRELOAD lt_start_initiator
    batch "run $i strongswan" "$rpid"
    lt_stop_initiator
    "$HARNESS/charon-stop.sh" ldt-resp >/dev/null

    # our gateway, fresh JVM (ipsec-mesh run; ip netns exec execs java, so the PID is the JVM's)
    bench_start_run "$NS_B" "$TMP" "gateway-$i" "$TMP/gwb.cfg" --ike-cookie-threshold "$LIMIT" \
        --ike-half-open-per-peer "$LIMIT"
    gw=$BENCH_LAST_PID
    LT_PRELOAD=$PRELOAD lt_start_initiator
    batch "run $i ipsec-mesh cold" "$gw"
    lt_stop_initiator
    for w in $(seq 1 "$WARM"); do
        LT_PRELOAD=$PRELOAD lt_start_initiator
        batch "run $i ipsec-mesh warm$([ "$WARM" -gt 1 ] && echo " $w")" "$gw"
        lt_stop_initiator
    done
    echo "    gateway log: tunnels UP: $(grep -c "Crypto tunnel is UP" "$TMP/gateway-$i.log" || true)"
    confirmation_waits "$i"
    bench_stop_all
done
# the table: per run strongSwan beside ipsec-mesh, ratios against this run's strongSwan; with WARM > 1 the
# warm columns are the last warm batch's (the JIT compiler settles over the first ones)
python3 - "$TMP/results" "$WARM" <<'PY'
import re, sys
warm = int(sys.argv[2])
last = "ipsec-mesh warm" + (f" {warm}" if warm > 1 else "")
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"run (\d+) (strongswan|ipsec-mesh cold|ipsec-mesh warm(?: \d+)?)\s+(\d+) ok\s+(\d+) failed\s+(\d+) retransmits"
                 r"\s+[\d.]+ s\s+(\d+) IKE_SA/s\s+responder cpu ([\d.]+) ms/IKE_SA\s+loadavg (.*?)\s+rcvbuf drops", line)
    if m:
        rows.setdefault(int(m.group(1)), {})[m.group(2)] = m.groups()[2:]
if warm > 1:
    print(f"\nwarm columns: the last of {warm} warm batches per JVM (warm {warm}, with the SAs of the cold batch and of"
          f" the {warm - 1} warm batch{'es' if warm > 2 else ''} before it still up); the other warm batches are in the lines above")
w_head = f"ipsec-mesh warm {warm} (last)" if warm > 1 else "ipsec-mesh warm"
print(f"\n| run | strongSwan IKE_SA/s | CPU/IKE SA | ipsec-mesh cold IKE_SA/s | CPU | retr. | {w_head} IKE_SA/s | CPU | retr. "
      "| warm CPU ratio | warm rate ratio | loadavg (after warm) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for run, r in sorted(rows.items()):
    s, c, w = r.get("strongswan"), r.get("ipsec-mesh cold"), r.get(last)
    f = lambda x, i, u="": x[i] + u if x else "–"
    ratio = lambda a, b, i: f"{float(a[i]) / float(b[i]):.2f}×" if a and b and float(b[i]) else "–"
    print(f"| {run} | {f(s,3)} | {f(s,4,' ms')} | {f(c,3)} | {f(c,4,' ms')} | {f(c,2)} | {f(w,3)} | {f(w,4,' ms')} | {f(w,2)} "
          f"| {ratio(w, s, 4)} | {ratio(w, s, 3)} | {f(w,5)} |")
PY
echo "# $(date -u +%FT%TZ) done, loadavg $(bench_loadavg)"

#!/bin/bash
# ike-scaleout.sh - IKE_SA/s and CPU per instance with 1, 2, 3 … ike-service instances (issue 13 item 4),
# beside strongSwan's own responder in the same run, all driven by strongSwan's load-tester.
#
# usage (root): ike-scaleout.sh [count=1000] [runs=1] [delay_ms=1] [instances="1 2 3"]
#
# The gateway is split as in production and in it/…/IkeServiceTakeoverTest: one JVM per service in
# namespace skgwb (config-service, N ike-service, dpd-service, esp-forwarder, nat-keepalive), one Hazelcast
# cluster on that namespace's loopback; with N > 1 each ike-service runs with `--ike-scale-out true
# --ike-instance-id ike-<i>` (README, "Several ike-service instances": UDP 500 shared with SO_REUSEPORT,
# a datagram the kernel hands to a non-owner goes to the owner over the bus). Fresh JVMs for every N.
# Initiator and strongSwan responder as in ike-loadtest.sh (lib/load-tester.sh). Per N two batches of
# COUNT IKE SAs: "cold" (JIT compiling) and "warm" (same JVMs, the first batch still up). Measured:
# IKE_SA/s, CPU (utime+stime) per established IKE SA of each ike-service JVM and of the other four
# services together, the cores each used during the batch, and how many tunnels each instance set up.
# Each batch is bounded by MAX_SECS (120 s). Run time ≈ runs × (20 s + count × delay + Σ_N (40 s + 2 ×
# count × delay)): 1000 1 1 → ≈ 3–4 min on a quiet machine. SKIP_BUILD, JAVA_OPTS, HEAP: lib/bench-common.sh.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
. "$(dirname "$0")/lib/bench-common.sh"
COUNT=${1:-1000} RUNS=${2:-1} DELAY=${3:-1} INSTANCES=${4:-1 2 3}
MAX_SECS=${MAX_SECS:-120}
HEAP=${HEAP:-384m}
bench_need_root
bench_need bc python3 /usr/lib/ipsec/charon
export NS_A=skgwa NS_B=skgwb NS_LAN_A=sklana NS_LAN_B=sklanb
export INTEROP_RUN=/tmp/ike-scaleout-$$
TMP=$INTEROP_RUN/bench
# shellcheck disable=SC1091
. "$HARNESS/common.sh"
# shellcheck source=lib/load-tester.sh
. "$BENCH_SCRIPTS/lib/load-tester.sh"
bench_need_load_tester
bench_build_gateway
cleanup() {
    local rc=$?
    bench_stop_all
    if [ "$rc" != 0 ] && [ -d "$TMP" ]; then
        mkdir -p "/tmp/ike-scaleout-failed-$$"; cp "$TMP"/*.log "/tmp/ike-scaleout-failed-$$/" 2>/dev/null || true
        echo "logs kept in /tmp/ike-scaleout-failed-$$" >&2
    fi
    "$HARNESS/netns-down.sh" >/dev/null 2>&1 || true
    rm -rf "$INTEROP_RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP"
"$HARNESS/netns-up.sh" >/dev/null
lt_write_confs
lt_gateway_cfg "$TMP/gwb.cfg"
LIMIT=$((COUNT + 100 < 4096 ? COUNT + 100 : 4096))

row() {  # run label instances → one line of $TMP/results (tab separated)
    printf '%s\t%s\t%s\t%d\t%d\t%d\t%.2f\t%.0f\t%.3f\t%s\t%s\t%s\n' "$1" "$2" "$3" "$LT_OK" "$LT_FAIL" "$LT_RETR" \
        "$LT_SECS" "$(echo "$LT_OK / ($LT_SECS + ($LT_SECS == 0))" | bc -l)" "$LT_CPU_MS" "$LT_CPU_EACH" "${4:-}" \
        "$(bench_loadavg)" | tee -a "$TMP/results"
}

echo "# $(date -u +%FT%TZ) ike-scaleout.sh $COUNT IKE_SAs per batch, $RUNS run(s), ${DELAY} ms pacing, instances: $INSTANCES;" \
    "$(nproc) cpus, loadavg before: $(bench_loadavg)"
for r in $(seq 1 "$RUNS"); do
    rpid=$(lt_start_strongswan_responder)
    lt_start_initiator
    lt_batch "$COUNT" "$DELAY" "$rpid"
    row "$r" strongswan - "charon"
    lt_stop_initiator
    "$HARNESS/charon-stop.sh" ldt-resp >/dev/null
    for n in $INSTANCES; do
        bench_start_split "$NS_B" "$TMP" "r$r-n$n" "$TMP/gwb.cfg" "$n" 1 \
            --ike-cookie-threshold "$LIMIT" --ike-half-open-per-peer "$LIMIT"
        ikes=("${SPLIT_IKE_PIDS[@]}") others="${SPLIT_OTHER_PIDS[*]} ${SPLIT_ESP_PIDS[*]}"
        for phase in cold warm; do
            lt_start_initiator
            # shellcheck disable=SC2086
            lt_batch "$COUNT" "$DELAY" "${ikes[@]}" $others
            ups=""
            for i in $(seq 1 "$n"); do ups="$ups ike-$i:$(grep -c "Crypto tunnel is UP" "$TMP/r$r-n$n-ike-$i.log" || true)"; done
            row "$r" "ipsec-mesh $phase" "$n" "${ups# }"
            [ "$LT_OK" -gt 0 ] || { FAILED=yes; echo "  no IKE SA established: $LT_OUT_HEAD" >&2; }
            lt_stop_initiator
        done
        bench_stop_all
    done
done

python3 - "$TMP/results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
ref = {r[0]: r for r in rows if r[1] == "strongswan"}
print("\nCPU: utime+stime per established IKE SA (ms); per ike-service instance: ms per IKE SA of the batch / cores used "
      "during it; 'others' = config, dpd, esp, natk JVMs together. Tunnels UP: cumulative per instance.\n")
print("| run | responder | ike instances | IKE_SA/s | ratio to strongSwan | CPU/IKE SA all | per ike instance ms (cores) "
      "| others ms | ok/failed/retr. | tunnels UP | loadavg |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    run, label, n, ok, fail, retr, secs, rate, cpu, each, ups, load = r
    s = ref.get(run)
    ratio = f"{float(rate) / float(s[7]):.2f}×" if s and label != "strongswan" and float(s[7]) else "–"
    parts = [p.split(":") for p in each.split()]
    if label == "strongswan":
        per, oth = "–", "–"
    else:
        k = int(n)
        per = ", ".join(f"{p[1]} ({p[2]})" for p in parts[:k])
        oth = f"{sum(float(p[1]) for p in parts[k:]):.3f}"
    print(f"| {run} | {label} | {n} | {rate} | {ratio} | {cpu} | {per} | {oth} | {ok}/{fail}/{retr} | {ups} | {load} |")
PY
echo "# $(date -u +%FT%TZ) done, loadavg $(bench_loadavg)"
[ -z "${FAILED:-}" ] || bench_die "a batch against ipsec-mesh established no IKE SA (logs kept)"

#!/bin/bash
# dataplane-ike.sh - LAN-to-LAN throughput and latency under load through two ipsec-mesh gateways whose
# Child SAs are negotiated by IKEv2 (not manual keys), beside strongSwan on the same topology, same run
# (issue 14 item 3; issue 13 item 4 with FORWARDERS).
#
# usage (root): dataplane-ike.sh [seconds=10] [warm-up seconds=3] [transforms="gcm128 gcm256 cbc256"] [streams="1 4"]
#   transforms: gcm128 (ESP AES-GCM-16 128), gcm256 (AES-GCM-16 256), cbc256 (AES-256-CBC + HMAC-SHA-256-128)
# environment:
#   DEPLOY=run      ipsec-mesh as one JVM per gateway (`ipsec-mesh run`, default), or
#   DEPLOY=split    one JVM per service per gateway, as in production (config, ike, dpd, esp×N, natk);
#   FORWARDERS=N    esp-forwarder instances per gateway (split only; default 1). N > 1 needs the forwarder
#                   scale-out of branch esp-ha: every instance is then started with ESP_SCALE_OUT_FLAGS
#                   (default "--esp-scale-out true"; see lib/bench-common.sh). On a build without it a
#                   second forwarder starts but has no inner side ("inner none") and takes part of the
#                   inbound UDP 4500: the script stops there with that reason (smoke-tested 2026-12-06).
#                   With N > 1 the instances are named esp-<i>, serve metrics on the namespace's 127.0.0.1:9430+i,
#                   and the report ends with each run's hand-off counters (ipsecmesh_esp_handoff_total: packets
#                   that reached a non-owner) and steering probes; GW_FLAGS="--esp-steering false" measures
#                   without the reuseport program (the kernel's hash and the hand-off, the reference).
#   IMPLS="strongswan ipsec-mesh"  which to measure (both by default: the ratio needs both).
#   GW_FLAGS="…"    extra flags for ipsec-mesh (run: all services; split: the forwarders), e.g.
#                   "--udpChecksum computed" (UDP GSO instead of sendmmsg, docs/performance.md).
#   ENCAP_FLAGS     default "--ike-force-encap true": ipsec-mesh's ESP in UDP 4500 too, so that both
#                   implementations pay the same per-packet costs as strongSwan's kernel-libipsec, which always
#                   encapsulates (it fakes a NAT). No longer a workaround: "ENCAP_FLAGS=" measures ipsec-mesh
#                   with raw ESP (IP protocol 50; NAT-T on, no NAT between the gateways, both ends agree). Before
#                   branch natt-fix that carried nothing: the initiator checked NAT-D against its wildcard
#                   socket's 0.0.0.0, alone saw a NAT and encapsulated, while the responder expected raw ESP.
#   NATT=off        configure `no crypto ipsec nat-transparency udp-encapsulation` (raw ESP, IP protocol 50).
#   LIFETIME_KB=K   configure `crypto ipsec security-association lifetime kilobytes K` on both gateways (the
#                   default 4608000 KB is ~10 s of one stream at 3.5 Gbit/s; a smaller K rekeys the Child SA
#                   every few hundred ms under load: the rekey's make-before-break under traffic).
#   IKE_DEBUG=yes   `debug crypto ikev2` on both gateways (with KEEP_LOGS, to read the exchanges).
#   KEEP_LOGS=DIR   copy the gateways' and charons' logs and iperf3's JSON reports there at the end (a failed run's always go to
#                   /tmp/bench-dataplane-failed-<pid>).
#   SKIP_BUILD=yes, JAVA_OPTS, HEAP: see lib/bench-common.sh.
#
# Topology: the repository's harness (test-support/src/main/resources/interop, netns-up.sh
# --no-plain-routes) in namespaces dp<N>a, dp<N>b, dp<N>la, dp<N>lb (N from this shell's PID), deleted on exit:
#
#   lana 10.91.1.10 -- gwa 10.91.1.1 | 172.31.255.1 == 172.31.255.2 | gwb 10.91.2.1 -- lanb 10.91.2.10
#
# no route between the LANs but the tunnel's. Both gateways: IKEv2 aes128gcm16-prfsha256-x25519, PSK,
# ESP-in-UDP 4500 (strongSwan's kernel-libipsec always encapsulates; ipsec-mesh runs with
# --ike-force-encap true to match). strongSwan 5.9.8 is Debian's charon with
# kernel-libipsec (userspace ESP), the ipsec-mesh gateways are fresh JVMs per transform.
#
# Per implementation and transform: tunnel up (ping until it carries), 5 idle pings, WARMUP s of iperf3 -P <max
# streams> (unmeasured: the JVMs' JIT), 5 idle pings again, then for each stream count an iperf3 -t SECONDS -P n run (lana -> lanb, TCP,
# receiver rate) with `ping -i 0.2` through the tunnel at the same time, and the CPU (utime+stime) of each
# side's gateway processes during that run.  Every load is bounded by `timeout`.
# Run time ≈ 2 × transforms × (20 s start + WARMUP + streams × (SECONDS + 2)): 10 3 → ≈ 4–5 min.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
. "$(dirname "$0")/lib/bench-common.sh"
SECS=${1:-10} WARMUP=${2:-3} TRANSFORMS=${3:-gcm128 gcm256 cbc256} STREAMS=${4:-1 4}
DEPLOY=${DEPLOY:-run} FORWARDERS=${FORWARDERS:-1} IMPLS=${IMPLS:-strongswan ipsec-mesh}
read -r -a GWF <<<"${GW_FLAGS:-}"
read -r -a ENCF <<<"${ENCAP_FLAGS---ike-force-encap true}"
bench_need_root
bench_need iperf3 ping python3 curl /usr/lib/ipsec/charon
case "$DEPLOY" in run) [ "$FORWARDERS" = 1 ] || bench_die "FORWARDERS > 1 needs DEPLOY=split";; split) ;;
    *) bench_die "DEPLOY must be run or split";; esac
bench_build_gateway

T=$(( $$ % 10000 ))
export NS_A=dp${T}a NS_B=dp${T}b NS_LAN_A=dp${T}la NS_LAN_B=dp${T}lb
export INTEROP_RUN=/tmp/bench-dataplane-$$
TMP=$INTEROP_RUN/bench
mkdir -p "$TMP/res"
cleanup() {
    local rc=$?
    bench_stop_all
    local keep=${KEEP_LOGS:-}
    [ "$rc" != 0 ] && keep=${keep:-/tmp/bench-dataplane-failed-$$}   # the logs of a failed run are always kept
    if [ -n "$keep" ] && [ -d "$TMP" ]; then
        mkdir -p "$keep"
        cp "$TMP"/*.log "$INTEROP_RUN"/*/charon.log "$TMP"/res/*.json "$keep/" 2>/dev/null || true
        echo "logs kept in $keep" >&2
    fi
    "$HARNESS/netns-down.sh" >/dev/null 2>&1 || true   # charon instances by recorded PID, then the namespaces
    rm -rf "$INTEROP_RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck disable=SC1091
. "$HARNESS/common.sh"
"$HARNESS/netns-up.sh" --no-plain-routes >/dev/null

ss_esp() { case $1 in gcm128) echo aes128gcm16;; gcm256) echo aes256gcm16;; cbc256) echo aes256-sha256;;
    *) bench_die "unknown transform $1 (gcm128 gcm256 cbc256)";; esac; }
ios_ts() { case $1 in gcm128) echo "esp-gcm 128";; gcm256) echo "esp-gcm 256";; cbc256) echo "esp-aes 256 esp-sha256-hmac";; esac; }
for tf in $TRANSFORMS; do ss_esp "$tf" >/dev/null; done

gw_cfg() {  # file transform local-wan peer-wan local-lan-gw local-net peer-net
    cat >"$1" <<EOF
! dataplane-ike.sh: IKEv2 PSK, ESP $(ios_ts "$2"); ESP-in-UDP as strongSwan's by --ike-force-encap
crypto ikev2 proposal P
 encryption aes-gcm-128
 prf sha256
 group 31
crypto ikev2 policy POL
 proposal P
crypto ikev2 keyring KR
 peer other
  address $4
  pre-shared-key $PSK_DEFAULT
crypto ikev2 profile PROF
 match identity remote address $4 255.255.255.255
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
$([ "${NATT:-on}" = off ] && echo "no crypto ipsec nat-transparency udp-encapsulation")
$([ -n "${LIFETIME_KB:-}" ] && echo "crypto ipsec security-association lifetime kilobytes $LIFETIME_KB")
crypto ipsec transform-set TS $(ios_ts "$2")
crypto map VPN 10 ipsec-isakmp
 set peer $4
 set transform-set TS
 set ikev2-profile PROF
 match address 101
interface wan0
 ip address $3 255.255.255.252
 crypto map VPN
interface lan0
 ip address $5 255.255.255.0
access-list 101 permit ip ${6%/24} 0.0.0.255 ${7%/24} 0.0.0.255
end
EOF
}

ping_until_up() {
    local i
    for i in $(seq 1 20); do
        ip netns exec "$NS_LAN_A" ping -c 1 -W 2 "$B_LAN_HOST" 2>/dev/null | grep -q " 0% packet loss" && return 0
    done
    return 1
}
# with FORWARDERS > 1: every instance's hand-off counters (ipsecmesh_esp_handoff_total), one line each:
# "gw<a|b> esp-<i> <exposition line>" (cumulative; the report subtracts a snapshot before each run)
handoff_counters() {  # file
    local g ns i m
    : >"$1"
    [ "$FORWARDERS" -gt 1 ] || return 0
    for g in a b; do
        ns=NS_${g^^}
        for i in $(seq 1 "$FORWARDERS"); do
            m=$(ip netns exec "${!ns}" curl -s --max-time 3 "http://127.0.0.1:$((9430 + i))/metrics" 2>/dev/null || true)
            [ -n "$m" ] && echo "gw$g esp-$i scrape ok 1" >>"$1"
            # labels in any order (every metric also carries instance=…): the report parses them
            grep -E '^ipsecmesh_esp_(handoff|steering_probes)_total\{' <<<"$m" | sed "s/^/gw$g esp-$i /" >>"$1" || true
        done
    done
}
# where a lost packet shows, one "gw<a|b> <what> <counter> <value>" per line (cumulative; the report prints what
# changed over each run): each gateway namespace's UDP errors (/proc/net/snmp), every link's rx/tx drops, and for
# ipsec-mesh its forwarders' drop and failure counters (/metrics on the namespace's loopback: `run` serves them
# on $DP_METRICS_PORT, split forwarders on 9430 + i when there are several; a lone split forwarder serves none)
DP_METRICS_PORT=9400
drop_counters() {  # file impl
    local g ns lan port ports
    case "$DEPLOY" in run) ports=$DP_METRICS_PORT;; *) [ "$FORWARDERS" -gt 1 ] && ports=$(seq 9431 $((9430 + FORWARDERS)));; esac
    : >"$1"
    for g in a b; do
        ns=NS_${g^^}
        ip netns exec "${!ns}" awk -v g="gw$g" '/^Udp:/ { if (!u) { split($0, k); u = 1 } else for (i = 2; i <= NF; i++) print g, "udp", k[i], $i }
            /^Ip:/ { if (!p) { split($0, q); p = 1 } else for (i = 2; i <= NF; i++)
                if (q[i] ~ /(Discards|NoRoutes|Fails|Errors)$/) print g, "ip", q[i], $i }' /proc/net/snmp >>"$1"
        # shellcheck disable=SC2016
        ip netns exec "${!ns}" sh -c 'for d in /sys/class/net/*; do for c in rx_dropped tx_dropped; do
            echo "${d##*/} $c $(cat "$d/statistics/$c")"; done; done' | sed "s/^/gw$g link-/" >>"$1"
        # queueing disciplines drop without a link counter (the TUN's pfifo_fast when the forwarder reads too slowly)
        ip netns exec "${!ns}" tc -s qdisc show 2>/dev/null | awk -v g="gw$g" '/^qdisc/ { d = $5 }
            /dropped/ { sub(/,/, "", $7); print g, "qdisc-" d, "dropped", $7 }' >>"$1"
        # the LAN hosts: their links, and what the iperf3 sender's TCP says about its retransmissions (DSACKs and
        # reordering: spurious, not lost) and the receiver's about segments out of order
        lan=NS_LAN_${g^^}
        # shellcheck disable=SC2016
        ip netns exec "${!lan}" sh -c 'for d in /sys/class/net/*; do for c in rx_dropped tx_dropped; do
            echo "${d##*/} $c $(cat "$d/statistics/$c")"; done; done' | sed "s/^/lan$g link-/" >>"$1"
        ip netns exec "${!lan}" tc -s qdisc show 2>/dev/null | awk -v g="lan$g" '/^qdisc/ { d = $5 }
            /dropped/ { sub(/,/, "", $7); print g, "qdisc-" d, "dropped", $7 }' >>"$1"
        ip netns exec "${!lan}" awk -v g="lan$g" '/^(Ip|Tcp):/ { t = $1; if (!(t in h)) { h[t] = $0; next }
                n = split(h[t], k); for (i = 2; i <= n; i++) { if (k[i] ~ /(Errs|Errors|Discards)$/) print g, t, k[i], $i
                    if (t == "Tcp:" && k[i] ~ /^(OutSegs|RetransSegs|InSegs)$/) print g, "flow", k[i], $i } }' \
            /proc/net/snmp >>"$1"
        ip netns exec "${!lan}" awk -v g="lan$g" '/^TcpExt:/ { if (!h) { split($0, k); h = 1 } else for (i = 2; i <= NF; i++)
            if (k[i] ~ /^(TCPLostRetransmit|TCPDSACKRecv|TCPSACKReorder|TCPTSReorder|TCPTimeouts|TCPLossProbes|TCPSpuriousRTOs|TCPOFOQueue|TCPOFODrop|TCPRcvQDrop|TCPFastRetrans|TCPSlowStartRetrans)$/)
            print g, "tcp", k[i], $i }' /proc/net/netstat >>"$1"
        [ "$2" = ipsec-mesh ] || continue
        for port in ${ports:-}; do
            ip netns exec "${!ns}" curl -s --max-time 3 "http://127.0.0.1:$port/metrics" 2>/dev/null || true
        done | awk -v g="gw$g" '/inbound_spi=/ { next }  # per SA: the forwarder totals have them, deleted SAs too
                  /^ipsecmesh_esp_[a-z_]*(fail|error|drop|invalid|malformed|refused|no_sa)[a-z_]*(\{| )/ {
                  n = $1; sub(/\{.*/, "", n); t[n] += $NF }
                  /^ipsecmesh_esp_inner_packets_total/ { f += $NF }
                  /^ipsecmesh_esp_forwarder_encaps_total/ { se += $NF }
                  /^ipsecmesh_esp_forwarder_decaps_total/ { sd += $NF }
                  END { for (n in t) print g, "esp", n, t[n]; print g, "flow", "inner_packets", f + 0
                        print g, "flow", "sealed", se + 0; print g, "flow", "opened", sd + 0 }' >>"$1"
    done
}
cpu_of() { local t=0 p; for p in "$@"; do t=$((t + $(bench_cpu_ticks "$p"))); done; echo "$t"; }

# measure IMPL TRANSFORM "gwa pids" "gwb pids": warm-up, then one iperf3 + ping run per stream count
measure() {
    local impl=$1 tf=$2 apids=$3 bpids=$4 n server maxn=0 a0 b0 a1 b1 t0 t1 pingpid f
    for n in $STREAMS; do [ "$n" -gt "$maxn" ] && maxn=$n; done
    ip netns exec "$NS_LAN_B" timeout $((WARMUP + $(wc -w <<<"$STREAMS") * (SECS + 10) + 60)) iperf3 -s -B "$B_LAN_HOST" \
        >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 1 50); do [ -n "$(ip netns exec "$NS_LAN_B" ss -Hltn 'sport = :5201')" ] && break; sleep 0.1; done
    f=$TMP/res/$impl-$tf
    ip netns exec "$NS_LAN_A" ping -c 5 -i 0.2 -W 1 "$B_LAN_HOST" >"$f-idle.ping" 2>&1 || true
    if [ "$WARMUP" -gt 0 ]; then
        ip netns exec "$NS_LAN_A" timeout $((WARMUP + 20)) iperf3 -c "$B_LAN_HOST" -t "$WARMUP" -P "$maxn" >/dev/null 2>&1 || true
        # idle again, now that the first packets are behind both gateways (a fresh JVM runs them interpreted)
        ip netns exec "$NS_LAN_A" ping -c 5 -i 0.2 -W 1 "$B_LAN_HOST" >"$f-idlewarm.ping" 2>&1 || true
    fi
    for n in $STREAMS; do
        ip netns exec "$NS_LAN_A" timeout $((SECS + 5)) ping -i 0.2 -c $((SECS * 5)) -W 1 "$B_LAN_HOST" \
            >"$f-$n.ping" 2>&1 &
        pingpid=$!
        # shellcheck disable=SC2086
        [ "$impl" = ipsec-mesh ] && handoff_counters "$f-$n.handoff0"
        drop_counters "$f-$n.drops0" "$impl"
        a0=$(cpu_of $apids); b0=$(cpu_of $bpids); t0=$(bench_now)
        ip netns exec "$NS_LAN_A" timeout $((SECS + 20)) iperf3 -c "$B_LAN_HOST" -t "$SECS" -P "$n" -J \
            >"$f-$n.json" 2>/dev/null || true
        # shellcheck disable=SC2086
        a1=$(cpu_of $apids); b1=$(cpu_of $bpids); t1=$(bench_now)
        [ "$impl" = ipsec-mesh ] && handoff_counters "$f-$n.handoff1"
        drop_counters "$f-$n.drops1" "$impl"
        wait "$pingpid" 2>/dev/null || true
        echo "$(echo "($a1 - $a0) / $BENCH_HZ / ($t1 - $t0)" | bc -l) $(echo "($b1 - $b0) / $BENCH_HZ / ($t1 - $t0)" | bc -l) $(bench_loadavg)" \
            >"$f-$n.cpu"
    done
    kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
}

echo "# $(date -u +%FT%TZ) dataplane-ike.sh $SECS s (warm-up $WARMUP s), transforms: $TRANSFORMS, streams: $STREAMS;" \
    "ipsec-mesh DEPLOY=$DEPLOY FORWARDERS=$FORWARDERS; $(nproc) cpus, loadavg before: $(bench_loadavg)"
for tf in $TRANSFORMS; do
    if [[ " $IMPLS " == *" strongswan "* ]]; then
        for side in "$NS_A" "$NS_B"; do
            ESP_PROPOSALS=$(ss_esp "$tf") LOG_DEFAULT=0 LOG_IKE=0 LOG_NET=0 LOG_ENC=0 LOG_CFG=0 LOG_KNL=0 LOG_CHD=0 \
                "$HARNESS/charon-start.sh" "$side" ikev2-gcm "ss-$side" >/dev/null
        done
        "$HARNESS/sw.sh" "ss-$NS_A" --initiate --child net --timeout 30 >/dev/null \
            || bench_die "strongSwan did not establish the tunnel ($tf): $INTEROP_RUN/ss-$NS_A/charon.log"
        ping_until_up || bench_die "no ping through strongSwan's tunnel ($tf)"
        measure strongswan "$tf" "$(cat "$INTEROP_RUN/ss-$NS_A/run/charon.pid")" "$(cat "$INTEROP_RUN/ss-$NS_B/run/charon.pid")"
        "$HARNESS/charon-stop.sh" "ss-$NS_A" >/dev/null; "$HARNESS/charon-stop.sh" "ss-$NS_B" >/dev/null
    fi
    if [[ " $IMPLS " == *" ipsec-mesh "* ]]; then
        gw_cfg "$TMP/gwa-$tf.cfg" "$tf" "$A_WAN_PLAIN" "$B_WAN" "$A_LAN_GW" "$A_LAN_NET" "$B_LAN_NET"
        gw_cfg "$TMP/gwb-$tf.cfg" "$tf" "$B_WAN" "$A_WAN_PLAIN" "$B_LAN_GW" "$B_LAN_NET" "$A_LAN_NET"
        if [ "$DEPLOY" = run ]; then
            METRICS_PORT=$DP_METRICS_PORT bench_start_run "$NS_A" "$TMP" "gwa-$tf" "$TMP/gwa-$tf.cfg" "${ENCF[@]}" "${GWF[@]}"
            apids=$BENCH_LAST_PID
            METRICS_PORT=$DP_METRICS_PORT bench_start_run "$NS_B" "$TMP" "gwb-$tf" "$TMP/gwb-$tf.cfg" "${ENCF[@]}" "${GWF[@]}"
            bpids=$BENCH_LAST_PID
        else
            ESP_FLAGS="${GW_FLAGS:-}" bench_start_split "$NS_A" "$TMP" "gwa-$tf" "$TMP/gwa-$tf.cfg" 1 "$FORWARDERS" "${ENCF[@]}"
            apids="${SPLIT_IKE_PIDS[*]} ${SPLIT_ESP_PIDS[*]} ${SPLIT_OTHER_PIDS[*]}"
            ESP_FLAGS="${GW_FLAGS:-}" bench_start_split "$NS_B" "$TMP" "gwb-$tf" "$TMP/gwb-$tf.cfg" 1 "$FORWARDERS" "${ENCF[@]}"
            bpids="${SPLIT_IKE_PIDS[*]} ${SPLIT_ESP_PIDS[*]} ${SPLIT_OTHER_PIDS[*]}"
        fi
        # the first packets only trigger the negotiation (ACQUIRE), as on IOS
        ping_until_up || bench_die "no ping through the ipsec-mesh tunnel ($tf)"
        grep -q "Crypto tunnel is UP" "$TMP"/gw[ab]-"$tf"*.log || bench_die "no IKE-negotiated tunnel logged UP ($tf)"
        # what is measured: raw ESP or ESP-in-UDP, as each end's inbound SA says (both must agree, RFC 7296 §2.23)
        for g in a b; do
            ns=NS_${g^^}
            [ "${IKE_DEBUG:-}" = yes ] && bench_exec "${!ns}" "$TMP/gw$g-$tf-api.json" "debug crypto ikev2" >/dev/null
            echo "# gw$g $tf: $(bench_exec "${!ns}" "$TMP/gw$g-$tf-api.json" "show crypto ipsec sa" \
                | grep -m1 'in use settings' | sed 's/^ *//')"
        done
        measure ipsec-mesh "$tf" "$apids" "$bpids"
        bench_stop_all
    fi
done

python3 - "$TMP/res" "$TRANSFORMS" "$STREAMS" "$DEPLOY" "$FORWARDERS" <<'PY'
import json, os, re, sys
res, tfs, streams, deploy, fwd = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4], sys.argv[5]
names = {"gcm128": "AES-GCM-128", "gcm256": "AES-GCM-256", "cbc256": "AES-CBC-256+HMAC-SHA256"}
def rate(impl, tf, n):
    try:
        e = json.load(open(f"{res}/{impl}-{tf}-{n}.json"))["end"]
        return e["sum_received"]["bits_per_second"] / 1e6, e["sum_sent"].get("retransmits", 0)
    except Exception:
        return None, None
def ping(impl, tf, n):
    try:
        t = open(f"{res}/{impl}-{tf}-{n}.ping").read()
    except OSError:
        return "–"
    loss = re.search(r"(\d+(?:\.\d+)?)% packet loss", t)
    rtt = re.search(r"= [\d.]+/([\d.]+)/([\d.]+)/", t)
    return (f"{float(rtt.group(1)):.2f}/{float(rtt.group(2)):.2f} ms" if rtt else "no reply") + \
        (f", {loss.group(1)}% lost" if loss and loss.group(1) != "0" else "")
def cpu(impl, tf, n):
    try:
        a, b, *load = open(f"{res}/{impl}-{tf}-{n}.cpu").read().split()
        return f"{float(a):.2f} / {float(b):.2f}", " ".join(load)
    except OSError:
        return "–", ""
print(f"\nipsec-mesh: DEPLOY={deploy}, {fwd} esp-forwarder(s) per gateway. Rates: iperf3 receiver, Mbit/s (TCP retransmits).")
print("Ping: through the tunnel during the iperf3 run, avg/max RTT. CPU: cores used by gwa / gwb processes.\n")
print("| transform | streams | strongSwan | ipsec-mesh | ratio | ping strongSwan | ping ipsec-mesh | CPU strongSwan | CPU ipsec-mesh | loadavg (after) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for tf in tfs:
    for n in streams:
        s, sr = rate("strongswan", tf, n); m, mr = rate("ipsec-mesh", tf, n)
        fmt = lambda r, x: "–" if r is None else f"{r:.0f} ({x})"
        ratio = f"{m / s:.2f}×" if s and m else "–"
        cs, _ = cpu("strongswan", tf, n); cm, load = cpu("ipsec-mesh", tf, n)
        print(f"| {names[tf]} | {n} | {fmt(s, sr)} | {fmt(m, mr)} | {ratio} | {ping('strongswan', tf, n)} | "
              f"{ping('ipsec-mesh', tf, n)} | {cs} | {cm} | {load} |")
idle = [f"{impl} {tf}: {ping(impl, tf, 'idle')}" for tf in tfs for impl in ("strongswan", "ipsec-mesh")
        if os.path.exists(f"{res}/{impl}-{tf}-idle.ping")]
print("\nping idle (5 × 0.2 s before the warm-up): " + "; ".join(idle))
idle = [f"{impl} {tf}: {ping(impl, tf, 'idlewarm')}" for tf in tfs for impl in ("strongswan", "ipsec-mesh")
        if os.path.exists(f"{res}/{impl}-{tf}-idlewarm.ping")]
if idle:
    print("ping idle after the warm-up (5 × 0.2 s): " + "; ".join(idle))
def drops(impl, tf, n):
    def read(p):
        c = {}
        try:
            for line in open(p):
                *k, v = line.split()
                c[tuple(k)] = float(v)
        except (OSError, ValueError):
            pass
        return c
    a, b = read(f"{res}/{impl}-{tf}-{n}.drops0"), read(f"{res}/{impl}-{tf}-{n}.drops1")
    # InDatagrams, OutDatagrams and the like are traffic, not loss; the rest is shown when it moved
    lost = ", ".join(f"{k[0]} {k[2] if k[1] != 'esp' else k[2].removeprefix('ipsecmesh_esp_')} {v - a.get(k, 0.0):.0f}"
                     for k, v in sorted(b.items())
                     if v != a.get(k, 0.0) and "Datagrams" not in k[2] and k[1] != "flow") or "none"
    flow = {(k[0], k[2]): v - a.get(k, 0.0) for k, v in b.items() if k[1] == "flow"}
    if ("lana", "OutSegs") in flow:
        # hop by hop: what the sender's TCP sent, what gwa's forwarder read from its TUN (segments; the other
        # direction's ACKs are not among them), what the receiver's TCP took in (duplicates included; InSegs counts a
        # coalesced super-packet once, and ipsec-mesh's TUN writes hand lanb such packets, strongSwan's single ones)
        lost += (f"; segments: lana sent {flow[('lana', 'OutSegs')]:.0f} ({flow.get(('lana', 'RetransSegs'), 0):.0f}"
                 f" resent)" + (f", gwa's forwarder read {flow[('gwa', 'inner_packets')]:.0f}"
                                if ("gwa", "inner_packets") in flow else "")
                 + (f", sealed by gwa {flow[('gwa', 'sealed')]:.0f}, opened by gwb {flow[('gwb', 'opened')]:.0f}"
                    if ("gwa", "sealed") in flow and ("gwb", "opened") in flow else "")
                 + f", lanb's TCP took in {flow.get(('lanb', 'InSegs'), 0):.0f} (InSegs: a coalesced packet counts once)")
    return lost
print("\nWhere packets were lost during each measured run (each gateway namespace's UDP errors and link drops, "
      "ipsec-mesh's forwarder counters of drops and failures — the SAs' own summed per forwarder, deleted SAs included —, "
      "the LAN hosts' link drops and TCP counters; what moved):")
for tf in tfs:
    for n in streams:
        for impl in ("strongswan", "ipsec-mesh"):
            if os.path.exists(f"{res}/{impl}-{tf}-{n}.drops1"):
                print(f"- {names[tf]}, {n} stream(s), {impl}: {drops(impl, tf, n)}")
def counters(path):
    c = {}
    try:
        for line in open(path):
            gw, inst, rest = line.split(None, 2)
            if rest.startswith("scrape"):
                c[(gw, inst, "scrape", "ok")] = 1.0
                continue
            m = re.match(r'(\w+)\{([^}]*)\}\s+(\S+)', rest)
            if not m:
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            if m.group(1) == "ipsecmesh_esp_handoff_total":
                c[(gw, inst, labels.get("direction", "?"), labels.get("outcome", "?"))] = float(m.group(3))
            else:
                c[(gw, inst, "probes", labels.get("outcome", "?"))] = float(m.group(3))
    except OSError:
        pass
    return c
if int(fwd) > 1:
    print("\nHand-off during each measured run (ipsecmesh_esp_handoff_total, difference over the run; sent = packets "
          "that reached a non-owner and crossed the bus, received = delivered to the owner, others are drops; "
          "probes = ipsecmesh_esp_steering_probes_total):")
    for tf in tfs:
        for n in streams:
            a, b = counters(f"{res}/ipsec-mesh-{tf}-{n}.handoff0"), counters(f"{res}/ipsec-mesh-{tf}-{n}.handoff1")
            if not b:
                print(f"- {names[tf]}, {n} stream(s): no counters read")
                continue
            rows = {}
            for k, v in b.items():
                d = v - a.get(k, 0.0)
                if d and k[2] != "scrape":
                    rows.setdefault(k[0], []).append(f"{k[1]} {k[2]}/{k[3]} {d:.0f}")
            print(f"- {names[tf]}, {n} stream(s): " + ("; ".join(f"{gw}: " + ", ".join(r) for gw, r in sorted(rows.items()))
                                                      or "none (every packet reached its owner in the kernel)"))
            missing = [f"{gw} {i}" for gw in ("gwa", "gwb") for i in (f"esp-{j}" for j in range(1, int(fwd) + 1))
                       if (gw, i, "scrape", "ok") not in b]
            if missing:
                print("  (no metrics from " + ", ".join(missing) + ")")
PY
echo "# $(date -u +%FT%TZ) done, loadavg $(bench_loadavg)"

# shellcheck shell=bash
# bench-common.sh - what every benchmark script in bench/src/main/scripts shares.  Sourced, never run.
#
#   * the repository's own pieces only: the namespace/strongSwan harness in
#     test-support/src/main/resources/interop, and the gateway jar built here into the reactor
#     (gateway/target/ipsec-mesh.jar + gateway/target/lib/, which carries every service module's jar from
#     its target/), never a snapshot from ~/.m2 and never `mvn install`;
#   * a root check with the reason, a trap that stops what the script started (by PID) and deletes its
#     namespaces on every exit, also on failure or Ctrl-C;
#   * helpers to start ipsec-mesh as one JVM (`ipsec-mesh run`) or split into one JVM per service in one
#     namespace (as in production and it/…/IkeServiceTakeoverTest), CPU of a process, the load average.
#
# Variables a caller may set: JAVA_HOME (default temurin 25), SKIP_BUILD=yes (reuse an existing jar),
# JAR (run another gateway build, e.g. an older one: its ipsec-mesh.jar with that build's lib/ beside it;
# nothing is built then), JAVA_OPTS (extra JVM options for every gateway JVM, e.g. a JFR recording),
# HEAP (-Xmx of gateway JVMs, default 512m; a script may set its own default after sourcing this file).

BENCH_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_SCRIPTS/../../../.." && pwd)
HARNESS=$ROOT/test-support/src/main/resources/interop
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
# Maven's own jars use JNI and Unsafe: quiet on JDK 25 (as bin/ipsec-mesh does)
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
# JAR from the environment: another build, run as it is (bench_build_gateway builds nothing then)
BENCH_JAR_GIVEN=${JAR:+yes}
JAR=${JAR:-$ROOT/gateway/target/ipsec-mesh.jar}
# HEAP's default (512m) is applied where a JVM starts, so that a script's own HEAP=${HEAP:-…} after sourcing
# this file still counts
# io.ipsecmesh.gateway.JvmFlags.ALL: FFM (TUN) and Netty native access, Hazelcast's module openings
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.management/sun.management=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
LT_PREFIX=/opt/strongswan-lt   # build-strongswan-lt.sh's install prefix (load-tester)

bench_die() { echo "$(basename "$0"): ERROR: $*" >&2; exit 1; }

bench_need_root() {
    [ "$(id -u)" = 0 ] || bench_die "must run as root: it creates network namespaces, veth pairs and TUN devices,
  binds UDP 500/4500 inside them and runs charon (try: sudo $0)"
    command -v ip >/dev/null || bench_die "iproute2 (ip) is missing"
    [ -x "$JAVA" ] || bench_die "no JDK 25 at $JAVA_HOME (set JAVA_HOME)"
}

bench_need() {  # command... : each must be on PATH
    local c
    for c in "$@"; do command -v "$c" >/dev/null || bench_die "$c is missing (see .ci/run for the Debian packages)"; done
}

# The gateway jar, built in this checkout's reactor (a fresh clone needs nothing else).  Always rebuilt so
# the figures belong to the checked-out sources; SKIP_BUILD=yes reuses an existing jar.  With JAR given
# (another build, e.g. an older one) nothing is built: that jar runs as it is, with the lib/ beside it.
bench_build_gateway() {
    if [ "${BENCH_JAR_GIVEN:-}" = yes ]; then bench_check_jar; return 0; fi
    if [ "${SKIP_BUILD:-no}" = yes ] && [ -f "$JAR" ]; then return 0; fi
    echo "# building gateway/target/ipsec-mesh.jar (./mvnw -q -B -pl gateway -am package -DskipTests)" >&2
    (cd "$ROOT" && ./mvnw -q -B -pl gateway -am package -DskipTests >&2) || bench_die "could not build $JAR"
    [ -f "$JAR" ] || bench_die "$JAR missing after the build"
}

# A given JAR must bring its own build's lib/: the manifest's Class-Path names lib/<module>.jar relative to the
# jar, and the JVM silently skips entries that are missing (the gateway would then die on a missing class).
# A copy next to this checkout's gateway/target/lib would run this checkout's service modules under the old
# gateway's Main: refused, the figures would belong to neither build.
bench_check_jar() {
    [ -f "$JAR" ] || bench_die "JAR=$JAR: no such file"
    JAR=$(realpath "$JAR")
    local missing
    missing=$(python3 - "$JAR" <<'PY'
import os, sys, zipfile
jar = sys.argv[1]
try:
    mf = zipfile.ZipFile(jar).read("META-INF/MANIFEST.MF").decode()
except (OSError, KeyError, zipfile.BadZipFile) as e:
    print(f"not a gateway jar ({e})"); sys.exit()
attrs, key = {}, None
for line in mf.splitlines():          # manifest lines continue on lines that start with one space
    if line.startswith(" ") and key:
        attrs[key] += line[1:]
    elif ":" in line:
        key, _, value = line.partition(":"); attrs[key] = value.strip()
cp = attrs.get("Class-Path", "").split()
if attrs.get("Main-Class") != "io.ipsecmesh.gateway.Main" or not cp:
    print("no Main-Class io.ipsecmesh.gateway.Main with a Class-Path: not gateway/target/ipsec-mesh.jar")
else:
    gone = [e for e in cp if not os.path.isfile(os.path.join(os.path.dirname(jar), e))]
    if gone:
        print(f"{len(gone)} of {len(cp)} Class-Path entries missing beside it, e.g. {gone[0]}")
PY
)
    [ -z "$missing" ] || bench_die "JAR=$JAR: $missing
  (copy gateway/target/ipsec-mesh.jar together with gateway/target/lib/ of the same build, e.g.
   mkdir -p /tmp/old && cp -r gateway/target/ipsec-mesh.jar gateway/target/lib /tmp/old/)"
    local own
    own=$(realpath -m "$ROOT/gateway/target")
    if [ "$JAR" != "$own/ipsec-mesh.jar" ] && [ "$(dirname "$JAR")" = "$own" ]; then
        bench_die "JAR=$JAR sits beside this checkout's gateway/target/lib: it would run this checkout's service
  modules; copy it with its own build's lib/ into a directory of its own"
    fi
}
# "<path> (<mtime UTC>)" of the jar that runs, for a script's header line
bench_jar_label() { echo "$JAR ($(date -u -r "$JAR" +%FT%TZ 2>/dev/null || echo missing))"; }

# strongSwan's load-tester (private build, ~5 min the first time)
bench_need_load_tester() {
    [ -x "$LT_PREFIX/lib/ipsec/load-tester" ] || "$BENCH_SCRIPTS/build-strongswan-lt.sh" \
        || bench_die "could not build $LT_PREFIX (bench/src/main/scripts/build-strongswan-lt.sh)"
}

bench_loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime+stime
BENCH_HZ=$(getconf CLK_TCK)

# utime+stime of PID and of each of its threads (/proc/PID/task/*/stat), for bench_thread_split: a line
# "process <ticks>", then "<tid> <ticks> <slices> <name>" per thread, <slices> the times the thread was scheduled
# in (/proc/PID/task/TID/schedstat, third field; 0 where the kernel keeps no schedstats): for an event loop mostly
# its wake-ups from epoll, each hand-off from another thread that found it asleep (and a preemption now and then).
# Only shell built-ins in the loop (no process per thread), so a snapshot can be taken right at the edges of a batch.
bench_thread_ticks() {  # pid
    local s t name f q
    { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 0
    read -ra f <<<"${s##*) }"   # fields from 3 on: utime is field 14, stime 15 (proc(5))
    echo "process $((f[11] + f[12]))"
    for t in /proc/"$1"/task/*; do
        { read -r s <"$t/stat"; } 2>/dev/null || continue   # the thread ended meanwhile
        { read -ra q <"$t/schedstat"; } 2>/dev/null || q=(0 0 0)
        name=${s#*\(}; name=${name%\)*}
        read -ra f <<<"${s##*) }"
        echo "${t##*/} $((f[11] + f[12])) ${q[2]:-0} $name"
    done
}
# The CPU between two bench_thread_ticks snapshots of one process by thread group, the largest first: share of
# the process's CPU and ms per unit (per established IKE SA).  Thread names are the kernel's (15 characters:
# "vert.x-eventloo", "C2 CompilerThre"); JIT and GC are in it, which JFR's execution samples leave out.
# "unattributed" is the process's CPU minus its living threads': threads that ended during the batch, and the
# kernel rounding each thread's time down to a tick (/proc/PID/stat sums the exact times first) — large for a
# process of many threads with little CPU each, such as charon's thread pool.
bench_thread_split() {  # before after units
    python3 - "$1" "$2" "$3" "$BENCH_HZ" <<'PY'
import collections, re, sys
GROUPS = [(r"vert\.x-eventloo", "event loops"), (r"vert\.x-(worker|internal)", "workers"),
          (r"hz\.", "Hazelcast"), (r"C[12] CompilerThre", "JIT compiler"),
          (r"GC Thread|G1 |GC |ZGC|Shenandoah", "GC"), (r"VM Thread", "VM thread (safepoints)"),
          (r"JFR |JFR$", "JFR"), (r"esp-|udp-inner", "ESP data plane")]
def group(name):
    for pattern, g in GROUPS:
        if re.match(pattern, name):
            return g
    return re.sub(r"[0-9]+", "#", name)
def load(path):
    proc, threads = 0, {}
    for line in open(path):
        parts = line.rstrip("\n").split(" ", 3)
        if parts[0] == "process":
            proc = int(parts[1])
        elif len(parts) == 4:
            threads[parts[0]] = (int(parts[1]), int(parts[2]), parts[3])
    return proc, threads
(p0, t0), (p1, t1) = load(sys.argv[1]), load(sys.argv[2])
units, total, hz = max(1, int(sys.argv[3])), p1 - p0, int(sys.argv[4])
by = collections.Counter()
slices = collections.Counter()
for tid, (ticks, scheduled, name) in t1.items():
    ticks0, scheduled0, _ = t0.get(tid, (0, 0, name))
    by[group(name)] += ticks - ticks0
    slices[group(name)] += scheduled - scheduled0
rest = total - sum(by.values())
if rest > 0:
    by["unattributed"] += rest
parts = [f"{g} {100.0 * v / total:.0f} % ({v * 1000.0 / hz / units:.2f} ms)"
         for g, v in by.most_common() if v > 0] if total > 0 else ["no CPU"]
print("    responder threads (share, ms per IKE SA): " + ", ".join(parts[:10]))
if total > 0 and by["JIT compiler"] > 0:
    # the work apart from compiling it (it still falls batch by batch as C2 replaces C1's code)
    print(f"    without the JIT compiler: {(total - by['JIT compiler']) * 1000.0 / hz / units:.2f} ms per IKE SA")
if total > 0 and sum(slices.values()) > 0:
    print("    times scheduled in per IKE SA (schedstat): " + ", ".join(
        f"{g} {v / units:.1f}" for g, v in slices.most_common(6) if v > 0))
PY
}
bench_now() { date +%s.%N; }

# --- processes this script started: stopped by PID on exit ------------------------------------------
BENCH_PIDS=()
bench_stop_pid() {  # pid: TERM, KILL after 15 s
    local p=$1 i
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null || true
}
bench_stop_all() {
    local i
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do bench_stop_pid "${BENCH_PIDS[$i]}"; done
    BENCH_PIDS=()
}

# Waits until FILE contains TEXT; dies after SECS or when PID exits.
bench_await_log() {  # file text secs pid
    local i
    for i in $(seq 1 $(($3 * 10))); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$4" 2>/dev/null || { tail -40 "$1" >&2; bench_die "$(basename "$1" .log) exited before '$2'"; }
        sleep 0.1
    done
    tail -40 "$1" >&2
    bench_die "$(basename "$1" .log) did not log '$2' within $3 s"
}

# `ipsec-mesh run` in namespace NS with configuration CFG; its state (KEK, event-bus TLS), API file and log
# in DIR/NAME*. Extra arguments go to `run`. Sets BENCH_LAST_PID (ip netns exec execs java: the JVM).
bench_start_run() {  # ns dir name cfg [run flags...]
    local ns=$1 dir=$2 name=$3 cfg=$4; shift 4
    mkdir -p "$dir/$name-state"
    # shellcheck disable=SC2086
    IPSECMESH_STATE_DIR=$dir/$name-state ip netns exec "$ns" "$JAVA" "${JVM_FLAGS[@]}" -Xmx"${HEAP:-512m}" ${JAVA_OPTS:-} \
        -cp "$JAR" io.ipsecmesh.gateway.Main run --config "$cfg" --api-port 0 --api-file "$dir/$name-api.json" \
        --metrics-port "${METRICS_PORT:-0}" "$@" >"$dir/$name.log" 2>&1 &
    BENCH_LAST_PID=$!
    BENCH_PIDS+=("$BENCH_LAST_PID")
    bench_await_log "$dir/$name.log" "ipsec-mesh: started" 180 "$BENCH_LAST_PID"
}

# ipsec-mesh split into one JVM per service in namespace NS, joined in one Hazelcast cluster on that
# namespace's loopback, as in production (docker/compose.yaml) and it/…/IkeServiceTakeoverTest:
# config-service, IKE_N ike-service instances (with IKE_N > 1: --ike-scale-out true, README "Several
# ike-service instances"), dpd-service, ESP_N esp-forwarder instances, nat-keepalive.
#
# ESP_N > 1 is esp-forwarder scale-out (issue 13 item 2), being built on branch esp-ha: every forwarder
# instance is then started with $ESP_SCALE_OUT_FLAGS, by default "--esp-scale-out true" after
# --ike-scale-out; check the flag name there when it is merged.  On a build without it (main of
# 2026-12-06) a second forwarder still starts — it binds UDP 4500 as well, but gets no inner side
# ("inner none": the TUN is the first one's) — and would silently distort the measurement, so every
# instance must log an inner side ("inner ipsec0", one queue each of a multi-queue TUN on esp-ha) or the
# script stops.
#
# Sets SPLIT_IKE_PIDS, SPLIT_ESP_PIDS, SPLIT_OTHER_PIDS (config dpd natk); logs in DIR/NAME-<service>.log.
bench_start_split() {  # ns dir name cfg ike_n esp_n [ike flags...]
    local ns=$1 dir=$2 name=$3 cfg=$4 ike_n=$5 esp_n=$6; shift 6
    local ikeflags=("$@") d=$dir/$name-split port members="" i svc
    mkdir -p "$d"
    "$JAVA" -cp "$JAR" io.ipsecmesh.gateway.Main kek init "$d/kek" >/dev/null || bench_die "kek init failed"
    "$JAVA" -cp "$JAR" io.ipsecmesh.gateway.Main tls init --kek-file "$d/kek" "$d/tls" config ike dpd esp natk \
        >/dev/null || bench_die "tls init failed"
    # cluster ports on the namespace's own loopback: config 5701, dpd 5702, natk 5703, ike 5710+, esp 5730+
    for port in 5701 5702 5703 $(seq 5711 $((5710 + ike_n))) $(seq 5731 $((5730 + esp_n))); do
        members="$members${members:+,}127.0.0.1:$port"
    done
    SPLIT_IKE_PIDS=() SPLIT_ESP_PIDS=() SPLIT_OTHER_PIDS=()
    split_jvm() {  # log-name tls-name main-class port [flags...]
        local log=$1 tlsn=$2 main=$3 p=$4; shift 4
        # shellcheck disable=SC2086
        ip netns exec "$ns" "$JAVA" "${JVM_FLAGS[@]}" -Xmx"${HEAP:-512m}" ${JAVA_OPTS:-} -cp "$JAR" "$main" \
            --kek-file "$d/kek" --cluster-port "$p" --members "$members" \
            --tls-keystore "$d/tls/$tlsn/member.p12" --tls-ca "$d/tls/$tlsn/ca.pem" "$@" \
            >"$dir/$name-$log.log" 2>&1 &
        BENCH_LAST_PID=$!
        BENCH_PIDS+=("$BENCH_LAST_PID")
    }
    split_jvm config config io.ipsecmesh.config.Main 5701 --config "$cfg" --api-port 0 \
        --api-file "$dir/$name-api.json" --metrics-port "${METRICS_PORT:-0}"
    SPLIT_OTHER_PIDS+=("$BENCH_LAST_PID")
    bench_await_log "$dir/$name-config.log" "management API on " 180 "$BENCH_LAST_PID"
    for i in $(seq 1 "$ike_n"); do
        if [ "$ike_n" -gt 1 ]; then
            split_jvm "ike-$i" ike io.ipsecmesh.ike.Main $((5710 + i)) --ike-scale-out true --ike-instance-id "ike-$i" \
                "${ikeflags[@]}"
        else
            split_jvm "ike-$i" ike io.ipsecmesh.ike.Main $((5710 + i)) "${ikeflags[@]}"
        fi
        SPLIT_IKE_PIDS+=("$BENCH_LAST_PID")
    done
    split_jvm dpd dpd io.ipsecmesh.dpd.Main 5702; SPLIT_OTHER_PIDS+=("$BENCH_LAST_PID")
    for i in $(seq 1 "$esp_n"); do
        if [ "$esp_n" -gt 1 ]; then
            # shellcheck disable=SC2086
            # metrics on the namespace's loopback, port 9430 + i: the hand-off and steering counters per instance
            split_jvm "esp-$i" esp io.ipsecmesh.esp.Main $((5730 + i)) ${ESP_SCALE_OUT_FLAGS:---esp-scale-out true} \
                --esp-instance-id "esp-$i" --metrics-port $((9430 + i)) ${ESP_FLAGS:-}
        else
            # shellcheck disable=SC2086
            split_jvm "esp-$i" esp io.ipsecmesh.esp.Main $((5730 + i)) ${ESP_FLAGS:-}
        fi
        SPLIT_ESP_PIDS+=("$BENCH_LAST_PID")
    done
    split_jvm natk natk io.ipsecmesh.natk.Main 5703; SPLIT_OTHER_PIDS+=("$BENCH_LAST_PID")
    for svc in $(seq 1 "$ike_n"); do
        bench_await_log "$dir/$name-ike-$svc.log" "ike-service: configuration " 180 "${SPLIT_IKE_PIDS[$((svc - 1))]}"
    done
    for svc in $(seq 1 "$esp_n"); do
        bench_await_log "$dir/$name-esp-$svc.log" "esp-forwarder: configuration " 180 "${SPLIT_ESP_PIDS[$((svc - 1))]}"
    done
    if [ "$esp_n" -gt 1 ]; then
        for svc in $(seq 1 "$esp_n"); do
            if grep -q "esp-forwarder .*, inner none" "$dir/$name-esp-$svc.log"; then
                bench_die "esp-$svc of $name has no inner side (inner none): this build has no esp-forwarder scale-out
  (branch esp-ha, flags '${ESP_SCALE_OUT_FLAGS:---esp-scale-out true}'); with it the figures would be wrong"
            fi
        done
    fi
    bench_await_log "$dir/$name-dpd.log" " started, cluster " 180 "${SPLIT_OTHER_PIDS[1]}"
    bench_await_log "$dir/$name-natk.log" " started, cluster " 180 "${SPLIT_OTHER_PIDS[2]}"
    if [ "$ike_n" -gt 1 ]; then
        # the instances heard each other (they listen 1.5 s first): each logs the full member set
        local deadline=$((SECONDS + 60)) all
        for svc in $(seq 1 "$ike_n"); do
            while :; do
                all=yes
                for i in $(seq 1 "$ike_n"); do
                    grep " members now \[" "$dir/$name-ike-$svc.log" | tail -1 | grep -q "ike-$i" || all=no
                done
                [ "$all" = yes ] && break
                [ "$SECONDS" -lt "$deadline" ] || bench_die "ike-$svc never saw all $ike_n members ($dir/$name-ike-$svc.log)"
                sleep 0.2
            done
        done
    fi
}

# One IOS exec command through the management API (POST /exec) of the gateway whose API file is FILE, in
# namespace NS (the API listens on that namespace's loopback). Prints "<seconds> <http status>" to fd 3
# when BENCH_TIME_FD=3 is open, the body on stdout.
bench_exec() {  # ns api-file command
    local url token
    url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$2")
    token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$2")
    ip netns exec "$1" curl -sS --max-time 30 -H "Authorization: Bearer $token" -H 'Content-Type: text/plain' \
        --data-binary "$3" "$url/exec"
}
# Wall time in seconds of one POST /exec (curl's time_total, no JVM start-up in it), when its first byte came
# (time_starttransfer: the command's own time, before the answer's transfer) and its body size.
bench_exec_time() {  # ns api-file command
    local url token
    url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$2")
    token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$2")
    ip netns exec "$1" curl -sS --max-time 120 -o /dev/null -w '%{time_total} s (first byte %{time_starttransfer} s), %{size_download} bytes, HTTP %{http_code}' \
        -H "Authorization: Bearer $token" -H 'Content-Type: text/plain' --data-binary "$3" "$url/exec"
}

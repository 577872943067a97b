#!/bin/bash
# fuzz-campaign.sh - one coverage-guided fuzzing campaign (Jazzer, libFuzzer underneath) against one
# @FuzzTest target. Not part of the build: a normal `./mvnw verify` only replays each target's committed
# corpus (src/test/resources/<package>/<Class>Inputs/<method>/, Jazzer's regression mode). Results go
# to docs/security.md ("Fuzzing").
#
# usage: fuzz-campaign.sh TARGET MINUTES [RUNS]
#        fuzz-campaign.sh list
#
#   TARGET   one of the names printed by `fuzz-campaign.sh list`
#   MINUTES  wall-clock budget (libFuzzer -max_total_time)
#   RUNS     stop after this many executions instead (libFuzzer -runs), e.g. 10000000; default: no limit
#
# Coverage feedback comes from every class of the project (io.ipsecmesh.**: the engine targets see the
# shared-proto codecs too), not from the JDK or the libraries.
# Runs under `nice -n 19` (the machine is shared) with one fuzzing JVM: -Xmx768m, so an unbounded Java
# allocation is an OutOfMemoryError finding; libFuzzer -rss_limit_mb=3072 for the whole process
# (the JVM with Jazzer's coverage maps starts near 1 GB) and -timeout=10 s per input (a hang is a finding).
# The generated corpus is kept in .fuzz/corpus/<Class>/<method> (git-ignored), so running the same
# command again continues the campaign from where it stopped. A finding (crash-*, oom-*, timeout-* input)
# is moved into the target's Inputs directory under src/test/resources: commit it with the fix, and every
# later build replays it. -keep_going: a campaign goes on after a finding (up to 50, deduplicated). The log is .fuzz/logs/TARGET-<UTC time>.log; the last lines printed
# here are libFuzzer's final statistics (executions, exec/s, cov = coverage edges, corpus size).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$ROOT"

targets() {
  cat <<'EOF'
ike-codec       shared-proto    io.ipsecmesh.proto.ikev2.IkeCodecFuzzTest#decode
isakmp-codec    shared-proto    io.ipsecmesh.proto.ikev1.IsakmpCodecFuzzTest#decode
bus             shared-proto    io.ipsecmesh.proto.bus.RecordCodecFuzzTest#decodeFromWire
config          config-service  io.ipsecmesh.config.lang.ConfigFuzzTest#parse
config-parse    config-service  io.ipsecmesh.config.lang.ConfigFuzzTest#parseOnly 1024
exec            config-service  io.ipsecmesh.config.api.ExecParserFuzzTest#parse
exec-request    config-service  io.ipsecmesh.config.api.ExecParserFuzzTest#request
ike-engine      ike-service     io.ipsecmesh.ike.engine.IkeEngineFuzzTest#receive
ikev1-engine    ike-service     io.ipsecmesh.ike.v1.Ikev1EngineJazzerFuzzTest#receive
esp             esp-forwarder   io.ipsecmesh.esp.fwd.InboundPipelineFuzzTest#receive
esp-authentic   esp-forwarder   io.ipsecmesh.esp.fwd.InboundPipelineFuzzTest#receiveAuthentic
EOF
}

if [[ ${1:-} == list ]]; then
  targets
  exit 0
fi
if [[ $# -lt 2 ]]; then
  echo "usage: $0 TARGET MINUTES [RUNS]   (targets: $0 list)" >&2
  exit 2
fi
target=$1
minutes=$2
runs=${3:--1}
line=$(targets | awk -v t="$target" '$1 == t')
if [[ -z $line ]]; then
  echo "unknown target '$target'; one of:" >&2
  targets | awk '{print "  " $1}' >&2
  exit 2
fi
module=$(awk '{print $2}' <<<"$line")
test=$(awk '{print $3}' <<<"$line")
# longest input (libFuzzer -max_len): 8 KiB unless the target's line names less (config-parse: 1 KiB)
max_len=$(awk '{print ($4 == "" ? 8192 : $4)}' <<<"$line")

if [[ -z ${JAVA_HOME:-} ]]; then
  for j in /usr/lib/jvm/temurin-25*; do
    [[ -x $j/bin/java ]] && export JAVA_HOME=$j && break
  done
fi

mkdir -p .fuzz/logs
log=.fuzz/logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log
echo "fuzzing $test ($module) for $minutes min, runs $runs; log $log"

# jazzer.internal.basedir: where Jazzer keeps the generated corpus (.cifuzz-corpus/<Class>/<method>)
set +e
JAZZER_FUZZ=1 nice -n 19 ./mvnw -B -pl "$module" -am test \
  -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.argLine="--enable-native-access=ALL-UNNAMED -Xmx768m -XX:+EnableDynamicAgentLoading -XX:-OmitStackTraceInFastThrow" \
  -Djazzer.hooks=true \
  -Djazzer.keep_going=50 \
  -Djazzer.instrument="io.ipsecmesh.**" \
  -Djazzer.max_duration="${minutes}m" \
  -Djazzer.internal.basedir="$ROOT/.fuzz" \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1=-max_total_time=$((minutes * 60)) \
  -Djazzer.internal.arg.2=-runs="$runs" \
  -Djazzer.internal.arg.3=-rss_limit_mb=3072 \
  -Djazzer.internal.arg.4=-timeout=10 \
  -Djazzer.internal.arg.5=-max_len="$max_len" \
  -Djazzer.internal.arg.6=-print_final_stats=1 \
  >"$log" 2>&1
status=$?
set -e
# findings land in jazzer.internal.basedir: move them into the target's committed regression corpus
class=${test%%#*}
inputs=$module/src/test/resources/$(tr . / <<<"$class")Inputs/${test##*#}
for f in .fuzz/crash-* .fuzz/oom-* .fuzz/timeout-*; do
  [[ -e $f ]] || continue
  mkdir -p "$inputs"
  mv "$f" "$inputs/"
  echo "finding: $inputs/$(basename "$f")"
done
grep -E '^#[0-9]+[[:space:]]+(INITED|pulse|DONE|NEW|REDUCE)' "$log" | tail -n 3 || true
grep -E '^(stat::|Done [0-9]+ runs|==[0-9]+== ERROR|SUMMARY: libFuzzer|.*Test unit written)' "$log" || true
grep -E 'Tests run:.*Fail|BUILD (SUCCESS|FAILURE)' "$log" | tail -n 2 || true
exit $status

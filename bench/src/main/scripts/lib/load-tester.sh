# shellcheck shell=bash
# load-tester.sh - strongSwan's load-tester plugin as the IKEv2 initiator of the IKE benchmarks
# (ike-loadtest.sh, ike-scaleout.sh, ike-100k.sh).  Sourced after bench-common.sh and the harness's
# common.sh, with NS_A/NS_B, INTEROP_RUN and TMP set.
#
#   initiator: charon of the private build (build-strongswan-lt.sh) in $NS_A with load-tester and its fake
#              kernel backend (Child SAs negotiated, never installed), IKEv2 aes128gcm16-prfsha256-x25519 /
#              ESP aes128gcm16, PSK, one CHILD_SA per IKE_SA, TSi 10.91.1.0/24 TSr 10.91.2.0/24;
#              `load-tester initiate <count> <delay_ms>`.
#   Identities: the load-tester's responder_id is 172.31.255.2 for every responder (its default IDr is
#   srv.strongswan.org; our gateway's local identity is its address); the initiators keep their FQDNs
#   c<N>-r1.strongswan.org, which our profile accepts with `match identity remote fqdn domain strongswan.org`
#   (a profile accepts only the identities its match lines name; an address match would refuse them).
LT_PSK=load-tester-psk-0123456789

# Writes TMP/init-charon.conf, TMP/init-plugins.conf (initiator) and TMP/resp-charon.conf (strongSwan as
# responder: dos_protection/cookie/block thresholds off, all load comes from one address).
# LT_CHILD_REKEY: the initiator's Child SA rekey time in s (load-tester default 600; 0 = never, and no
# expiry either: life = 2 × rekey in load_tester_config.c). LT_DPD: the initiator's own DPD delay (0 = off).
# LT_IKESA_TABLE_SIZE: the initiator's IKE SA hash table (a power of 2, default 4096; charon chains SAs in its
# buckets, so 100 000 SAs want more, e.g. 65536).
lt_write_confs() {
    cat >"$TMP/init-charon.conf" <<EOF
    reuse_ikesa = no
    ikesa_table_size = ${LT_IKESA_TABLE_SIZE:-4096}
    ikesa_table_segments = 16
EOF
    cat >"$TMP/init-plugins.conf" <<EOF
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
            preshared_key = $LT_PSK
            initiator_tsi = $A_LAN_NET
            initiator_tsr = $B_LAN_NET
            delete_after_established = no
            child_rekey = ${LT_CHILD_REKEY:-600}
            dpd_delay = ${LT_DPD:-0}
        }
EOF
    cat >"$TMP/resp-charon.conf" <<'EOF'
    dos_protection = no
    cookie_threshold = 0
    cookie_threshold_ip = 0
    block_threshold = 0
    ikesa_table_size = 4096
    ikesa_table_segments = 16
EOF
}

# The IOS configuration of the ipsec-mesh responder: the same proposals, the PSK for the initiator's
# address. $2 = extra lines before `end` (e.g. a keepalive).
lt_gateway_cfg() {  # file [extra lines]
    cat >"$1" <<EOF
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
  pre-shared-key $LT_PSK
crypto ikev2 profile PROF
 match identity remote fqdn domain strongswan.org
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
${LT_PROFILE_EXTRA:-}
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
${2:-}
end
EOF
}

lt_quiet_logs() { echo LOG_DEFAULT=0 LOG_IKE=0 LOG_NET=0 LOG_ENC=0 LOG_CFG=0 LOG_KNL=0 LOG_CHD=0; }

# The load generator must not be what drops the exchanges it measures: charon sets no SO_RCVBUF on its IKE sockets,
# and the kernel's default (net.core.rmem_default, 208 KB, ~270 small datagrams) overflows when the responder answers
# a burst while the initiator, on the same two cores, is busy (ike-100k.sh: our DPD requests at 100 000 SAs;
# ike-loadtest.sh: a warm batch's answers after a pause of the responder, each lost answer one of the initiator's
# retransmits after 4 s). lib/rcvbuf-preload.c, an LD_PRELOAD shim, gives its UDP sockets 8 MB (SO_RCVBUFFORCE)
# without changing the shared machine's sysctls. Builds it into DIR and prints its path.
# (gcc: build-essential, which build-strongswan-lt.sh installs with the load-tester)
lt_build_rcvbuf_preload() {  # dir
    gcc -shared -fPIC -O2 -o "$1/rcvbuf-preload.so" "$BENCH_SCRIPTS/lib/rcvbuf-preload.c" -ldl \
        || bench_die "cannot build lib/rcvbuf-preload.c (gcc from build-essential)"
    echo "$1/rcvbuf-preload.so"
}

# UDP receive-buffer drops of a namespace so far (Udp: RcvbufErrors of /proc/net/snmp)
lt_udp_drops() { ip netns exec "$1" awk '/^Udp:/ { n++ } /^Udp:/ && n == 2 { print $6 }' /proc/net/snmp; }

# LT_PRELOAD: a library for charon's LD_PRELOAD (lt_build_rcvbuf_preload: bigger UDP receive buffers).
# LT_NICE: the initiator's niceness (e.g. -10; every charon thread inherits it), unset = the shell's.
lt_start_initiator() {
    # shellcheck disable=SC2046
    nice -n "${LT_NICE:-0}" env ${LT_PRELOAD:+LD_PRELOAD=$LT_PRELOAD} SS_BUILD=lt KERNEL=fake LOAD=no $(lt_quiet_logs) \
        EXTRA_CHARON_CONF="$TMP/init-charon.conf" EXTRA_PLUGINS_CONF="$TMP/init-plugins.conf" \
        "$HARNESS/charon-start.sh" "$NS_A" ikev2-gcm ldt-init >/dev/null
}
lt_stop_initiator() { "$HARNESS/charon-stop.sh" ldt-init >/dev/null; }

# strongSwan's own responder (Debian's charon, kernel-libipsec), fresh daemon; prints its PID
lt_start_strongswan_responder() {
    # shellcheck disable=SC2046
    env LOCAL_ID="$B_WAN" REMOTE_ID=%any REMOTE_ADDRS=%any SECRET_ID_A="$B_WAN" SECRET_ID_B=%any PSK="$LT_PSK" \
        LOCAL_TS="$B_LAN_NET" REMOTE_TS="$A_LAN_NET" EXTRA_CHARON_CONF="$TMP/resp-charon.conf" $(lt_quiet_logs) \
        "$HARNESS/charon-start.sh" "$NS_B" ikev2-gcm ldt-resp >/dev/null
    cat "$INTEROP_RUN/ldt-resp/run/charon.pid"
}

# One `load-tester initiate COUNT DELAY` against the running initiator, bounded by MAX_SECS.
# Sets LT_OK LT_FAIL LT_RETR LT_SECS, LT_DROPS_A / LT_DROPS_B (UDP receive-buffer drops in the initiator's and the
# responder's namespace during the batch), and LT_CPU_MS (responder CPU per established IKE SA, ms, summed over
# PIDS) and LT_CPU_EACH ("pid:ms/IKE_SA:cores" per PID).  With LT_THREAD_SNAPSHOTS=DIR, also each PID's
# threads at both edges of the batch, in DIR/PID.before and DIR/PID.after (bench_thread_ticks; print the split
# with bench_thread_split DIR/PID.before DIR/PID.after "$LT_OK").
lt_batch() {  # count delay_ms pid...
    local count=$1 delay=$2 out t0 t1 p i; shift 2
    local pids=("$@") r0=() r1=()
    if [ -n "${LT_THREAD_SNAPSHOTS:-}" ]; then
        for p in "${pids[@]}"; do bench_thread_ticks "$p" >"$LT_THREAD_SNAPSHOTS/$p.before"; done
    fi
    local da0 db0
    da0=$(lt_udp_drops "$NS_A"); db0=$(lt_udp_drops "$NS_B")
    for p in "${pids[@]}"; do r0+=("$(bench_cpu_ticks "$p")"); done
    t0=$(bench_now)
    out=$(unshare --mount --propagation private sh -c \
        'mount --bind "$1" "$2/run" && exec timeout "$3" "$2/lib/ipsec/load-tester" initiate "$4" "$5"' \
        ldt "$INTEROP_RUN/ldt-init/run" "$LT_PREFIX" "${MAX_SECS:-120}" "$count" "$delay" 2>&1 || true)
    t1=$(bench_now)
    for p in "${pids[@]}"; do r1+=("$(bench_cpu_ticks "$p")"); done
    if [ -n "${LT_THREAD_SNAPSHOTS:-}" ]; then
        for p in "${pids[@]}"; do bench_thread_ticks "$p" >"$LT_THREAD_SNAPSHOTS/$p.after"; done
    fi
    LT_OK=$(tr -cd '+' <<<"$out" | wc -c); LT_FAIL=$(tr -cd -- '-' <<<"$out" | wc -c)
    LT_RETR=$(tr -cd '*' <<<"$out" | wc -c)
    LT_SECS=$(echo "$t1 - $t0" | bc -l)
    LT_OUT_HEAD=$(head -c 300 <<<"$out")
    LT_DROPS_A=$(( $(lt_udp_drops "$NS_A") - da0 )); LT_DROPS_B=$(( $(lt_udp_drops "$NS_B") - db0 ))
    local total=0 each=""
    for i in "${!pids[@]}"; do
        total=$((total + r1[i] - r0[i]))
        each="$each ${pids[$i]}:$(echo "scale=3; ($((r1[i] - r0[i]))) * 1000 / $BENCH_HZ / (${LT_OK} + (${LT_OK} == 0))" | bc -l):$(echo "scale=2; ($((r1[i] - r0[i]))) / $BENCH_HZ / $LT_SECS" | bc -l)"
    done
    LT_CPU_MS=$(echo "scale=3; $total * 1000 / $BENCH_HZ / ($LT_OK + ($LT_OK == 0))" | bc -l)
    LT_CPU_EACH=${each# }
}

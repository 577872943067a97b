#!/bin/bash
# charon-start.sh - run an independent strongSwan charon inside a netns.
#
# usage: charon-start.sh <netns> <profile> [instance-name]
#
#   <netns>    gwa or gwb (side-specific IDs/addresses/TS are filled in
#              automatically); any other netns works if LOCAL_ID, REMOTE_ID,
#              LOCAL_TS, REMOTE_TS, REMOTE_ADDRS are given in the environment.
#   <profile>  name of profiles/<profile>.env or a path to such a file.
#   instance   default: the netns name.  State lives in $INTEROP_RUN/<instance>:
#                strongswan.conf  swanctl/swanctl.conf  (rendered templates)
#                run/charon.pid   run/charon.vici        (pid file, vici socket)
#                charon.log       charon.stdout          keys/ (save-keys)
#                instance.env     (what sw.sh / charon-stop.sh need)
#
# Environment (all optional):
#   SS_BUILD=system|lt  system = Debian's /usr/lib/ipsec/charon (default),
#                       lt = private build in /opt/strongswan-lt (save-keys,
#                       load-tester; see build-strongswan-lt.sh)
#   KERNEL=libipsec|netlink|fake  IPsec backend (default libipsec: this kernel
#                       has no ESP; use netlink on a kernel with CONFIG_INET_ESP;
#                       fake = load-tester's no-op backend, see loadtest.sh)
#   LOAD=no             do not run "swanctl --load-all" after start
#   FOREGROUND=yes      stay attached: follow charon.log, Ctrl-C stops the daemon
#   EXTRA_CHARON_CONF=file   text inserted in charon { } (e.g. dos_protection)
#   EXTRA_PLUGINS_CONF=file  text inserted in charon.plugins { } (e.g. load-tester)
#   EXTRA_LOAD="p1 p2"  extra plugin names appended to the load list
#   SWANCTL_TEMPLATE=file   another swanctl.conf template (same @NAME@ variables)
#   any profile variable (VERSION, AGGRESSIVE (IKEv1 yes|no), IKE_PROPOSALS, ESP_PROPOSALS, ENCAP, MOBIKE,
#   DPD_DELAY, DPD_TIMEOUT, DPD_ACTION, START_ACTION, KEEP_ALIVE,
#   RETRANSMIT_TIMEOUT/BASE/TRIES, PSK, LOG_IKE, LOG_NET, ...)
#
# How two charons coexist on one host (the pitfalls this script handles):
#   * network namespaces give each daemon its own UDP 500/4500, XFRM and
#     routing tables (ip netns exec);
#   * STRONGSWAN_CONF selects a per-instance strongswan.conf, which sets its
#     own vici socket, log file and plugin list;
#   * the PID file is NOT configurable in 5.9.8 (compiled in as
#     /var/run/charon.pid, i.e. /run/charon.pid); a second charon refuses to
#     start ("charon already running") if it sees the first one's PID file.
#     So the daemon runs in a private mount namespace (unshare -m) in which
#     the instance's run/ dir is bind-mounted over the build's PID dir.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

[ $# -ge 2 ] || { sed -n '2,40p' "$0"; exit 1; }
NS=$1 PROFILE=$2 INSTANCE=${3:-$1}
ns_exists "$NS" || die "netns $NS does not exist (run netns-up.sh first)"

case "$PROFILE" in
    */*) PROFILE_FILE=$PROFILE ;;
    *)   PROFILE_FILE=$INTEROP_DIR/profiles/$PROFILE.env ;;
esac
[ -f "$PROFILE_FILE" ] || die "profile $PROFILE_FILE not found"

IDIR=$INTEROP_RUN/$INSTANCE
RUN_DIR=$IDIR/run
KEYS_DIR=$IDIR/keys
LOG_FILE=$IDIR/charon.log

# Restarting an instance is allowed (idempotent): stop the old one first.
[ -f "$IDIR/instance.env" ] && "$INTEROP_DIR/charon-stop.sh" "$INSTANCE" >/dev/null 2>&1 || true

# ---- side-specific defaults -------------------------------------------------
case "$NS" in
    "$NS_A") : "${LOCAL_ID:=$A_ID}" "${REMOTE_ID:=$B_ID}"
             : "${LOCAL_TS:=$A_LAN_NET}" "${REMOTE_TS:=$B_LAN_NET}"
             : "${REMOTE_ADDRS:=$B_WAN}" ;;
    "$NS_B") : "${LOCAL_ID:=$B_ID}" "${REMOTE_ID:=$A_ID}"
             : "${LOCAL_TS:=$B_LAN_NET}" "${REMOTE_TS:=$A_LAN_NET}"
             : "${REMOTE_ADDRS:=$NAT_OUT}" ;;   # = gwa's address as gwb sees it
esac
for v in LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS REMOTE_ADDRS; do
    [ -n "${!v:-}" ] || die "$v must be set for netns $NS"
done

# ---- profile, then global defaults -----------------------------------------
# shellcheck disable=SC1090
. "$PROFILE_FILE"
: "${SS_BUILD:=system}" "${KERNEL:=libipsec}"
: "${VERSION:=2}" "${IKE_PROPOSALS:=aes128gcm16-prfsha256-x25519}" "${ESP_PROPOSALS:=aes128gcm16}"
: "${AGGRESSIVE:=no}" "${ENCAP:=no}" "${MOBIKE:=no}" "${DPD_DELAY:=0s}" "${DPD_TIMEOUT:=150s}" "${DPD_ACTION:=clear}"
: "${START_ACTION:=none}" "${IKE_REKEY_TIME:=4h}" "${CHILD_REKEY_TIME:=1h}"
: "${LOCAL_ADDRS:=%any}" "${PSK:=$PSK_DEFAULT}" "${CONN:=gw}" "${CHILD:=net}"
: "${SECRET_ID_A:=$A_ID}" "${SECRET_ID_B:=$B_ID}"   # owners of the PSK in secrets { }
# AUTH=pubkey: certificate authentication; LOCAL_CERT names our certificate in swanctl/x509/
: "${AUTH:=psk}" "${LOCAL_CERT:=}"
if [ -n "$LOCAL_CERT" ]; then LOCAL_CERTS_LINE="            certs = $LOCAL_CERT"; else LOCAL_CERTS_LINE=""; fi
: "${KEEP_ALIVE:=20s}" "${RETRANSMIT_TIMEOUT:=4.0}" "${RETRANSMIT_BASE:=1.8}" "${RETRANSMIT_TRIES:=5}"
: "${LOG_DEFAULT:=1}" "${LOG_IKE:=1}" "${LOG_NET:=1}" "${LOG_ENC:=1}" "${LOG_KNL:=1}" "${LOG_CFG:=1}" "${LOG_CHD:=1}"
: "${EXTRA_LOAD:=}" "${EXTRA_PLUGINS_CONF:=}" "${EXTRA_CHARON_CONF:=}"
ss_build_paths "$SS_BUILD"
[ -x "$CHARON" ] || die "$CHARON not found (SS_BUILD=$SS_BUILD)"

# ---- plugin list -------------------------------------------------------------
# openssl first among the crypto plugins so that it (AES-NI) is preferred.
PLUGINS="random nonce openssl aes sha1 sha2 hmac gcm curve25519 gmp kdf drbg pem pkcs1 pkcs8 x509 pubkey constraints"
case "$KERNEL" in
    libipsec) PLUGINS="$PLUGINS kernel-libipsec kernel-netlink" ;;
    netlink)  PLUGINS="$PLUGINS kernel-netlink" ;;
    # load-tester's fake kernel-ipsec (SAs are not installed at all); needs
    # SS_BUILD=lt and charon.plugins.load-tester { enable = yes; fake_kernel = yes }
    fake)     PLUGINS="$PLUGINS load-tester kernel-netlink" ;;
    *) die "KERNEL must be libipsec, netlink or fake" ;;
esac
PLUGINS="$PLUGINS socket-default vici updown counters"
[ -f "$PLUGIN_DIR/libstrongswan-save-keys.so" ] && PLUGINS="$PLUGINS save-keys"
PLUGINS="$PLUGINS $EXTRA_LOAD"
# keep only plugins this build actually has (avoids "plugin not found" noise)
have=""
for p in $PLUGINS; do
    [ -f "$PLUGIN_DIR/libstrongswan-$p.so" ] && have="$have $p"
done
PLUGINS=${have# }

# ---- render ------------------------------------------------------------------
mkdir -p "$RUN_DIR" "$KEYS_DIR" "$PID_DIR"
# swanctl complains about every missing credential dir; create them empty
for d in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
    mkdir -p "$IDIR/swanctl/$d"
done
rm -f "$RUN_DIR/charon.pid" "$RUN_DIR/charon.vici" "$RUN_DIR/charon.ldt"
rm -f "$KEYS_DIR"/*   # save-keys appends; one set of keys per daemon run
# one log per daemon run: keep the previous one as charon.log.prev
[ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
[ -f "$IDIR/charon.stdout" ] && mv -f "$IDIR/charon.stdout" "$IDIR/charon.stdout.prev"
VARS="INSTANCE NS SS_BUILD KERNEL PROFILE PLUGINS RUN_DIR KEYS_DIR LOG_FILE
      KEEP_ALIVE RETRANSMIT_TIMEOUT RETRANSMIT_BASE RETRANSMIT_TRIES
      LOG_DEFAULT LOG_IKE LOG_NET LOG_ENC LOG_KNL LOG_CFG LOG_CHD
      CONN CHILD VERSION LOCAL_ADDRS REMOTE_ADDRS IKE_PROPOSALS ESP_PROPOSALS
      AGGRESSIVE ENCAP MOBIKE DPD_DELAY DPD_TIMEOUT DPD_ACTION START_ACTION
      IKE_REKEY_TIME CHILD_REKEY_TIME LOCAL_ID REMOTE_ID LOCAL_TS REMOTE_TS
      SECRET_ID_A SECRET_ID_B PSK AUTH LOCAL_CERTS_LINE"
render() {  # template output
    local script="" v val
    for v in $VARS; do
        val=${!v}
        val=${val//\\/\\\\}; val=${val//|/\\|}; val=${val//&/\\&}
        script+="s|@$v@|$val|g;"
    done
    sed -e "$script" "$1" > "$2"
    if [ -n "$EXTRA_CHARON_CONF" ]; then
        sed -i -e "/^#@EXTRA_CHARON@/r $EXTRA_CHARON_CONF" "$2"
    fi
    if [ -n "$EXTRA_PLUGINS_CONF" ]; then
        sed -i -e "/^#@EXTRA_PLUGINS@/r $EXTRA_PLUGINS_CONF" "$2"
    fi
    if grep -v '^[[:space:]]*#' "$2" | grep -q '@[A-Z_]*@'; then
        die "unrendered placeholder in $2"
    fi
}
render "$INTEROP_DIR/templates/strongswan.conf.in" "$IDIR/strongswan.conf"
render "${SWANCTL_TEMPLATE:-$INTEROP_DIR/templates/swanctl.conf.in}" "$IDIR/swanctl/swanctl.conf"
chmod 600 "$IDIR/swanctl/swanctl.conf"

cat > "$IDIR/instance.env" <<EOF
NS=$NS
INSTANCE=$INSTANCE
PROFILE=$PROFILE
SS_BUILD=$SS_BUILD
CHARON=$CHARON
SWANCTL=$SWANCTL
IDIR=$IDIR
PID_FILE=$RUN_DIR/charon.pid
VICI_URI=unix://$RUN_DIR/charon.vici
LOG_FILE=$LOG_FILE
CONN=$CONN
CHILD=$CHILD
EOF

# ---- launch --------------------------------------------------------------------
# ip netns exec -> unshare -m -> sh -> exec charon: every step execs, so $! is
# charon's PID.  setsid detaches it from the caller's session / job control.
echo "+ starting $CHARON in netns $NS (instance $INSTANCE, profile $PROFILE, build $SS_BUILD)"
setsid ip netns exec "$NS" unshare --mount --propagation private \
    sh -c 'mount --bind "$1" "$2" && exec env STRONGSWAN_CONF="$3" "$4"' \
    charon-start "$RUN_DIR" "$PID_DIR" "$IDIR/strongswan.conf" "$CHARON" \
    >>"$IDIR/charon.stdout" 2>&1 </dev/null &
LAUNCH_PID=$!
echo "$LAUNCH_PID" > "$IDIR/launch.pid"

# wait for the vici socket (daemon ready)
for _ in $(seq 1 100); do
    [ -S "$RUN_DIR/charon.vici" ] && break
    kill -0 "$LAUNCH_PID" 2>/dev/null || { tail -20 "$IDIR/charon.stdout" "$LOG_FILE" >&2 || true; die "charon exited"; }
    sleep 0.1
done
[ -S "$RUN_DIR/charon.vici" ] || die "vici socket did not appear"
PID=$(cat "$RUN_DIR/charon.pid" 2>/dev/null || echo "$LAUNCH_PID")
echo "charon pid $PID  vici unix://$RUN_DIR/charon.vici  log $LOG_FILE"

if [ "${LOAD:-yes}" = yes ]; then
    SWANCTL_DIR=$IDIR/swanctl "$SWANCTL" --load-all --noprompt --uri "unix://$RUN_DIR/charon.vici"
fi

# FOREGROUND=yes: stay attached, follow the log, stop the daemon on Ctrl-C
# (useful when debugging interactively; tests normally use the background mode)
if [ "${FOREGROUND:-no}" = yes ]; then
    tail -n +1 -f "$LOG_FILE" &
    TAIL_PID=$!
    trap '"$INTEROP_DIR/charon-stop.sh" "$INSTANCE"; kill "$TAIL_PID" 2>/dev/null' INT TERM
    while kill -0 "$PID" 2>/dev/null; do sleep 1; done
    kill "$TAIL_PID" 2>/dev/null || true
fi

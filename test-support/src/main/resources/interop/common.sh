# shellcheck shell=bash disable=SC2034
# common.sh - shared settings for the IPsec interop harness.  Sourced by every
# script in this directory; never executed directly.
#
# Topology (see netns-up.sh):
#
#   plain:  lana --- gwa ==================== gwb --- lanb
#   --nat:  lana --- gwa ===== nat(MASQ) ===== gwb --- lanb
#
# All addresses below exist ONLY inside the network namespaces created by
# netns-up.sh.  Nothing in this harness sends traffic anywhere else.

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Runtime state (instance dirs, logs, pid files, vici sockets).  Must NOT be
# under /run: charon-start.sh bind-mounts the instance run dir over /run (see
# there), which would hide anything else below /run from the daemon.
INTEROP_RUN=${INTEROP_RUN:-/tmp/interop}

# Namespace names
# Overridable so that concurrent harness users (other test suites on the same host) do not tear
# down each other's topology: ike-service's interop test uses ikegwa/ikegwb/ikelana/ikelanb.
NS_A=${NS_A:-gwa}              # gateway A (strongSwan, or the Java gateway)
NS_B=${NS_B:-gwb}              # gateway B
NS_LAN_A=${NS_LAN_A:-lana}     # host on LAN A
NS_LAN_B=${NS_LAN_B:-lanb}     # host on LAN B
NS_NAT=${NS_NAT:-nat}          # NAT box between the gateways (only with netns-up.sh --nat)

# Outer ("WAN") addressing
B_WAN=172.31.255.2          # gwb wan0, always
A_WAN_PLAIN=172.31.255.1    # gwa wan0 in the plain topology
A_WAN_NAT=172.31.254.1      # gwa wan0 behind the NAT
NAT_IN=172.31.254.2         # nat in0  (gwa's default gateway with --nat)
NAT_OUT=172.31.255.1        # nat out0 (what gwb sees as gwa with --nat)
# => gwb always sees gwa as 172.31.255.1, so gwb's config is topology-agnostic.

# Inner ("LAN") addressing
A_LAN_NET=10.91.1.0/24  A_LAN_GW=10.91.1.1  A_LAN_HOST=10.91.1.10
B_LAN_NET=10.91.2.0/24  B_LAN_GW=10.91.2.1  B_LAN_HOST=10.91.2.10

# IPv6 (netns-up.sh --ipv6, plain topology only; documentation prefix, RFC 3849)
A_WAN6=2001:db8:ffff::1     B_WAN6=2001:db8:ffff::2
A_LAN6_NET=2001:db8:1::/64  A_LAN6_GW=2001:db8:1::1  A_LAN6_HOST=2001:db8:1::10
B_LAN6_NET=2001:db8:2::/64  B_LAN6_GW=2001:db8:2::1  B_LAN6_HOST=2001:db8:2::10

# IKE identities and PSK used by all profiles (test-only secret!)
A_ID=gwa.interop.test
B_ID=gwb.interop.test
PSK_DEFAULT='interop-test-psk-0123456789'

# strongSwan builds the harness knows about:
#   system: Debian bookworm packages (strongswan-charon 5.9.8-5+deb12u*)
#   lt:     private 5.9.8 build in /opt/strongswan-lt with kernel-libipsec,
#           save-keys and load-tester (see build-strongswan-lt.sh)
ss_build_paths() {  # $1 = system|lt ; sets CHARON SWANCTL PLUGIN_DIR PID_DIR
    case "$1" in
        system)
            CHARON=/usr/lib/ipsec/charon
            SWANCTL=/usr/sbin/swanctl
            PLUGIN_DIR=/usr/lib/ipsec/plugins
            PID_DIR=/run            # compiled in: /var/run/charon.pid (-> /run)
            ;;
        lt)
            CHARON=/opt/strongswan-lt/lib/ipsec/charon
            SWANCTL=/opt/strongswan-lt/sbin/swanctl
            PLUGIN_DIR=/opt/strongswan-lt/lib/ipsec/plugins
            PID_DIR=/opt/strongswan-lt/run   # --with-piddir of that build
            ;;
        *) echo "unknown SS_BUILD '$1' (system|lt)" >&2; return 1 ;;
    esac
}

die() { echo "ERROR: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }
ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

# Current topology as written by netns-up.sh (plain|nat|none)
topology() { cat "$INTEROP_RUN/topology" 2>/dev/null || echo none; }

# High-resolution wall clock in seconds (for measurements)
now() { date +%s.%N; }

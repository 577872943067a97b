/*
 * rcvbuf-preload.c - LD_PRELOAD shim for the load generator's charon (ike-100k.sh, ike-loadtest.sh): every UDP socket
 * it binds gets a receive buffer of RCVBUF_BYTES (default 8 MB) with SO_RCVBUFFORCE (root), as strongSwan sets none and the
 * kernel's default (net.core.rmem_default, 208 KB) holds ~270 small datagrams: at 100 000 IKE SAs the gateway's DPD
 * requests (10 000/s) overflowed it on a busy machine, charon never saw them and the gateway rightly declared its
 * SAs dead; in the 1 000-SA load test a warm batch's answers to it after a pause of the gateway came back as
 * retransmits. The global sysctl is not changed: the machine is shared. Built by lib/load-tester.sh
 * (lt_build_rcvbuf_preload) into the run directory.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real_bind)(int, const struct sockaddr *, socklen_t);
    if (!real_bind) {
        real_bind = (int (*)(int, const struct sockaddr *, socklen_t)) dlsym(RTLD_NEXT, "bind");
    }
    int type = 0;
    socklen_t tl = sizeof(type);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM
            && addr != NULL && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
        const char *env = getenv("RCVBUF_BYTES");
        int bytes = env ? atoi(env) : 8 << 20;
        if (bytes > 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
        }
    }
    return real_bind(fd, addr, len);
}

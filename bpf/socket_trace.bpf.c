// Sprite socket tracer: syscall tracepoints only (no kprobes), CO-RE reads of the socket behind
// an fd, protocol inference in the kernel (protocol_infer.h), payload through one ring buffer with stream positions.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "sprite_bpf.h"
#include "sprite_maps.h"
#include "protocol_infer.h"
#include "tls_hook.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define PROTO_TCP 6
#define PROTO_UDP 17
#define DNS_PORT 53
/// Messages of one sendmmsg/recvmmsg looked at (glibc's resolver sends two: A and AAAA).
#define MAX_MMSG 4
#define EINPROGRESS 115
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define MAX_INFER_ATTEMPTS 8
/// Transfers (counted from the first) of a connection the heuristics could not classify that are
/// shipped to user space (SPRITE_UNKNOWN_CAPTURE bytes each) and look for a protocol it decided.
#define SPRITE_OVERRIDE_WINDOW 32

enum io_kind { IO_PLAIN = 0, IO_IOVEC = 1, IO_SIZE_ONLY = 2, IO_MSG = 3 };

#define self_tgid (sprite_config.self_tgid)

struct io_args {
    __u64 buf;
    __u32 fd;
    __u16 kind;
    __u16 syscall;
    __u32 iovcnt;
    __u32 direction;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);  // pid_tgid
    __type(value, __u32);  // fd
} active_connect SEC(".maps");

/// Fds below this number found not to be TCP/UDP sockets are remembered per process.
#define NOT_SOCKET_FDS 2048
#define NOT_SOCKET_SLOTS 16384

/// One process's fds known not to be TCP/UDP sockets (files, pipes, Unix sockets): a bit per fd.
struct fd_bitmap {
    __u32 tgid;  // owner of the slot, 0 when free
    __u32 pad;
    __u64 bits[NOT_SOCKET_FDS / 64];
};

/// Slot tgid % NOT_SOCKET_SLOTS: an ARRAY, so the lookup a read/write on a file pays is an
/// inlined index, not a hash. A process whose slot another process owns takes it over (the
/// owner's bits are lost: it only walks its fd table again). A bit goes stale only when its fd
/// number becomes a TCP/UDP socket: socket() clears it (exit_socket), accept/connect create the
/// conn_info entry that is looked up first; process exit frees the slot (pids are reused).
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, NOT_SOCKET_SLOTS);
    __type(key, __u32);
    __type(value, struct fd_bitmap);
} not_sockets SEC(".maps");

static __always_inline struct fd_bitmap *not_sockets_slot(__u32 tgid) {
    __u32 i = tgid % NOT_SOCKET_SLOTS;
    return bpf_map_lookup_elem(&not_sockets, &i);
}

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64);  // tgid << 32 | fd
    __type(value, struct sprite_protocol_override);
} protocol_override SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32);  // tgid with at least one traced connection
    __type(value, __u32);
} traced_pids SEC(".maps");

/// Staging area for data events, one slot per CPU (an ARRAY indexed by CPU rather than a
/// PERCPU_ARRAY: per-CPU values are limited to 32 KiB). User space sizes it to the possible CPUs.
union scratch_slot {
    struct sprite_gather_event stream;
    struct sprite_gather_datagram datagram;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, union scratch_slot);
} scratch SEC(".maps");

static __always_inline struct sprite_gather_event *scratch_event(void) {
    __u32 cpu = bpf_get_smp_processor_id();
    union scratch_slot *slot = bpf_map_lookup_elem(&scratch, &cpu);
    return slot ? &slot->stream : NULL;
}

static __always_inline struct sprite_gather_datagram *scratch_datagram(void) {
    __u32 cpu = bpf_get_smp_processor_id();
    union scratch_slot *slot = bpf_map_lookup_elem(&scratch, &cpu);
    return slot ? &slot->datagram : NULL;
}

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} generation SEC(".maps");

static __always_inline __u64 conn_key(__u32 tgid, __u32 fd) {
    return ((__u64)tgid << 32) | fd;
}

/// The TCP or UDP sock behind `fd` of the current task (`*transport` says which), or NULL when
/// fd is no such socket. The walk task->files->fdt->fd[fd] starts from the BTF task pointer, so
/// its first hops are plain loads; the file's fields are read with CO-RE.
static __always_inline struct sock *inet_sock_of_fd(__u32 fd, __u16 *transport) {
    struct task_struct *task = bpf_get_current_task_btf();
    struct files_struct *files = task->files;
    if (!files) return NULL;
    struct fdtable *fdt = files->fdt;
    if (!fdt) return NULL;
    if (fd >= fdt->max_fds) return NULL;
    struct file **fds = fdt->fd;
    struct file *f = NULL;
    if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) != 0 || !f) return NULL;
    umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & S_IFMT) != S_IFSOCK) return NULL;
    struct socket *sock = BPF_CORE_READ(f, private_data);
    if (!sock) return NULL;
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk) return NULL;
    __u16 protocol = BPF_CORE_READ(sk, sk_protocol);
    __u16 type = BPF_CORE_READ(sk, sk_type);
    if (protocol == PROTO_TCP && type == SOCK_STREAM) {
        *transport = PROTO_TCP;
        return sk;
    }
    if (protocol == PROTO_UDP && type == SOCK_DGRAM) {
        *transport = PROTO_UDP;
        return sk;
    }
    return NULL;
}

static __always_inline void emit_header(struct sprite_event_header *h, __u32 kind, const struct sprite_conn_id *id) {
    h->kind = kind;
    h->cpu = bpf_get_smp_processor_id();
    h->timestamp_ns = bpf_ktime_get_ns();
    h->conn = *id;
}

/// Starts tracking the TCP or UDP socket `sk` at (tgid, fd): a conn_info entry with both
/// endpoints read from the sock, and for TCP an open event. Returns the new entry.
static __always_inline struct sprite_conn_info *track_socket(__u32 tgid, __u32 fd, __u16 role, struct sock *sk, __u16 transport) {
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family != AF_INET && family != AF_INET6) return NULL;

    struct sprite_conn_info info = {};
    info.family = family;
    info.role = role;
    info.transport = transport;
    info.local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
    info.remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    if (family == AF_INET) {
        __u32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
        __u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
        __builtin_memcpy(info.local_addr, &saddr, 4);
        __builtin_memcpy(info.remote_addr, &daddr, 4);
    } else {
        BPF_CORE_READ_INTO(&info.local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
        BPF_CORE_READ_INTO(&info.remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
    }
    __u32 zero = 0;
    __u64 *gen = bpf_map_lookup_elem(&generation, &zero);
    if (!gen) return NULL;
    struct task_struct *task = bpf_get_current_task_btf();
    info.id.tgid = tgid;
    info.id.fd = fd;
    info.id.generation = __sync_fetch_and_add(gen, 1) + 1;
    info.id.proc_start_ns = task->group_leader->start_boottime;

    __u64 key = conn_key(tgid, fd);
    if (bpf_map_update_elem(&conn_info, &key, &info, BPF_ANY) != 0) {
        count(SPRITE_COUNTER_CONN_TABLE_FULL);
        return NULL;
    }
    __u32 one = 1;
    bpf_map_update_elem(&traced_pids, &tgid, &one, BPF_ANY);

    // A UDP socket is no conversation of its own: its datagrams carry their peers.
    if (transport != PROTO_TCP) return bpf_map_lookup_elem(&conn_info, &key);
    struct sprite_open_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (!ev) {
        count(SPRITE_COUNTER_RINGBUF_DROPS);
        return bpf_map_lookup_elem(&conn_info, &key);
    }
    emit_header(&ev->hdr, SPRITE_EVENT_OPEN, &info.id);
    ev->family = family;
    ev->role = role;
    ev->remote_port = info.remote_port;
    ev->local_port = info.local_port;
    __builtin_memcpy(ev->remote_addr, info.remote_addr, 16);
    __builtin_memcpy(ev->local_addr, info.local_addr, 16);
    __builtin_memset(ev->comm, 0, sizeof(ev->comm));
    BPF_CORE_READ_STR_INTO(&ev->comm, task, group_leader, comm);
    bpf_ringbuf_submit(ev, wakeup_flags());
    return bpf_map_lookup_elem(&conn_info, &key);
}

/// An fd with no conn_info entry was read or written: a socket accepted by another process and
/// inherited (a forked server's child), a socket opened before the collector started, or a UDP
/// socket (tracked from its first datagram). A TCP or UDP socket is tracked from here with role
/// unknown (the first message decides it, see exit_io); anything else is remembered in
/// not_sockets, so the next call on that fd costs one array lookup.
static __always_inline struct sprite_conn_info *track_unknown_fd(__u32 tgid, __u32 fd) {
    struct fd_bitmap *known = not_sockets_slot(tgid);
    __u32 word = (fd / 64) & (NOT_SOCKET_FDS / 64 - 1);
    __u64 bit = 1ULL << (fd % 64);
    if (known && fd < NOT_SOCKET_FDS && known->tgid == tgid && (known->bits[word] & bit)) return NULL;
    __u16 transport = 0;
    struct sock *sk = inet_sock_of_fd(fd, &transport);
    if (sk) return track_socket(tgid, fd, SPRITE_ROLE_UNKNOWN, sk, transport);
    if (known && fd < NOT_SOCKET_FDS) {
        if (known->tgid != tgid) {
            __builtin_memset(known->bits, 0, sizeof(known->bits));
            known->tgid = tgid;
        }
        __sync_fetch_and_or(&known->bits[word], bit);
    }
    return NULL;
}

// ---- connect / accept ----

SEC("tracepoint/syscalls/sys_enter_connect")
int enter_connect(struct trace_event_raw_sys_enter *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    if ((id >> 32) == self_tgid) return 0;
    __u32 fd = (__u32)ctx->args[0];
    bpf_map_update_elem(&active_connect, &id, &fd, BPF_ANY);
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int exit_connect(struct trace_event_raw_sys_exit *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 *fd = bpf_map_lookup_elem(&active_connect, &id);
    if (!fd) return 0;
    __u32 f = *fd;
    bpf_map_delete_elem(&active_connect, &id);
    if (ctx->ret != 0 && ctx->ret != -EINPROGRESS) return 0;
    // TCP, or a connected UDP socket (glibc's resolver connects its socket to the server).
    __u16 transport = 0;
    struct sock *sk = inet_sock_of_fd(f, &transport);
    if (sk) track_socket(id >> 32, f, SPRITE_ROLE_CLIENT, sk, transport);
    return 0;
}

static __always_inline int exit_accept(struct trace_event_raw_sys_exit *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    if ((id >> 32) == self_tgid || ctx->ret < 0) return 0;
    __u32 fd = (__u32)ctx->ret;
    __u16 transport = 0;
    struct sock *sk = inet_sock_of_fd(fd, &transport);
    if (sk && transport == PROTO_TCP) track_socket(id >> 32, fd, SPRITE_ROLE_SERVER, sk, transport);
    return 0;
}

/// A new socket's fd may be a number remembered as "not a socket": forget it.
SEC("tracepoint/syscalls/sys_exit_socket")
int exit_socket(struct trace_event_raw_sys_exit *ctx) {
    if (ctx->ret < 0) return 0;
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    __u32 fd = (__u32)ctx->ret;
    struct fd_bitmap *known = not_sockets_slot(tgid);
    if (known && fd < NOT_SOCKET_FDS && known->tgid == tgid)
        __sync_fetch_and_and(&known->bits[(fd / 64) & (NOT_SOCKET_FDS / 64 - 1)], ~(1ULL << (fd % 64)));
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int exit_accept_(struct trace_event_raw_sys_exit *ctx) { return exit_accept(ctx); }

SEC("tracepoint/syscalls/sys_exit_accept4")
int exit_accept4(struct trace_event_raw_sys_exit *ctx) { return exit_accept(ctx); }

// ---- data ----

/// One data event for a `len`-byte transfer of protocol `protocol`: up to `cap` of the `avail`
/// bytes readable at `ptr` are copied, the rest of the transfer is a gap for user space.
static __always_inline void emit_copy(struct sprite_conn_info *info, __u32 direction, __u64 position, __u64 ptr,
                                      __u32 avail, __u32 len, __u16 syscall, __u16 protocol, __u32 cap) {
    struct sprite_gather_event *ev = scratch_event();
    if (!ev) return;
    emit_header(&ev->d.hdr, SPRITE_EVENT_DATA, &info->id);
    ev->d.position = position;
    ev->d.length = len;
    ev->d.direction = direction;
    ev->d.role = info->role;
    ev->d.protocol = protocol;
    ev->d.syscall = syscall;
    __u32 n = avail < cap ? avail : cap;
    if (ptr == 0) n = 0;
    if (n > SPRITE_MAX_CAPTURE) n = SPRITE_MAX_CAPTURE;
    asm volatile("" : "+r"(n));
    if (n > SPRITE_MAX_CAPTURE) return;
    if (n > 0 && bpf_probe_read_user(ev->data, n, (const void *)ptr) != 0) n = 0;
    ev->d.captured = n;
    count(SPRITE_COUNTER_DATA_EVENTS);
    __u64 size = offsetof(struct sprite_gather_event, data) + n;
    if (size > sizeof(*ev)) return;
    // Stamped after the payload copy, right before the commit: events from different CPUs then
    // reach the ring in (nearly) timestamp order.
    ev->d.hdr.timestamp_ns = bpf_ktime_get_ns();
    if (bpf_ringbuf_output(&events, ev, size, wakeup_flags()) != 0) count(SPRITE_COUNTER_RINGBUF_DROPS);
}

/// A classified transfer: its bytes up to the capture limit.
static __always_inline void emit_data(struct sprite_conn_info *info, __u32 direction, __u64 position,
                                      __u64 ptr, __u32 len, __u16 syscall) {
    emit_copy(info, direction, position, ptr, len, len, syscall, info->protocol, sprite_config.capture_limit);
}

struct iovec_user {
    __u64 base;
    __u64 len;
};

/// A transfer of a connection not classified yet: its first SPRITE_UNKNOWN_CAPTURE bytes (of the
/// first buffer) go to user space with protocol UNKNOWN, the rest is a gap.
static __always_inline void emit_unknown(struct sprite_conn_info *info, __u32 direction, __u64 position,
                                         __u64 ptr, __u32 first_len, __u32 len, __u16 syscall) {
    emit_copy(info, direction, position, ptr, first_len, len, syscall, SPRITE_PROTO_UNKNOWN, SPRITE_UNKNOWN_CAPTURE);
}

/// One data event for a whole vectored transfer: the iovecs' bytes are gathered into the per-CPU
/// event back to back (up to the capture limit), so a writev of a header and a body is one event.
static __always_inline void emit_iovec(struct sprite_conn_info *info, const struct io_args *a, __u64 position, __u32 len) {
    struct sprite_gather_event *ev = scratch_event();
    if (!ev) return;
    emit_header(&ev->d.hdr, SPRITE_EVENT_DATA, &info->id);
    ev->d.position = position;
    ev->d.length = len;
    ev->d.direction = a->direction;
    ev->d.role = info->role;
    ev->d.protocol = info->protocol;
    ev->d.syscall = a->syscall;
    __u32 limit = sprite_config.capture_limit;
    if (limit > SPRITE_MAX_CAPTURE) limit = SPRITE_MAX_CAPTURE;
    // The running count lives in the event (map memory), not in a register: the verifier then
    // sees the same state at the top of every iteration, whichever branch the last one took, and
    // prunes instead of exploring each combination (what keeps 64 iovecs verifiable).
    ev->d.captured = 0;
    __u32 remaining = len;
    for (int i = 0; i < SPRITE_MAX_IOVECS; i++) {
        __u32 copied = ev->d.captured;
        if (i >= a->iovcnt || remaining == 0 || copied >= limit) break;
        struct iovec_user v = {};
        if (bpf_probe_read_user(&v, sizeof(v), (const void *)(a->buf + i * sizeof(v))) != 0) break;
        __u32 chunk = v.len < remaining ? v.len : remaining;
        remaining -= chunk;
        __u32 n = limit - copied;
        if (chunk < n) n = chunk;
        __u32 off = copied & (SPRITE_MAX_CAPTURE - 1);
        asm volatile("" : "+r"(n));
        if (n > SPRITE_MAX_CAPTURE) break;
        if (n == 0) continue;
        if (bpf_probe_read_user(&ev->data[off], n, (const void *)v.base) != 0) break;
        ev->d.captured = copied + n;
    }
    __u32 copied = ev->d.captured;
    if (copied > 2 * SPRITE_MAX_CAPTURE) copied = 0;
    ev->d.captured = copied;
    // Bytes past the copied prefix (capture limit, more iovecs, a failed read) are a gap.
    count(SPRITE_COUNTER_DATA_EVENTS);
    __u64 size = offsetof(struct sprite_gather_event, data) + (copied & (2 * SPRITE_MAX_CAPTURE - 1));
    if (size > sizeof(*ev)) return;
    // Stamped after the payload copy, right before the commit: events from different CPUs then
    // reach the ring in (nearly) timestamp order.
    ev->d.hdr.timestamp_ns = bpf_ktime_get_ns();
    if (bpf_ringbuf_output(&events, ev, size, wakeup_flags()) != 0) count(SPRITE_COUNTER_RINGBUF_DROPS);
}

struct msghdr_user {
    __u64 name;
    __u32 namelen;
    __u32 pad;
    __u64 iov;
    __u64 iovlen;
    __u64 control;
    __u64 controllen;
    __u32 flags;
    __u32 pad2;
};

/// One element of sendmmsg/recvmmsg's vector.
struct mmsghdr_user {
    struct msghdr_user hdr;
    __u32 len;
    __u32 pad;
};

// ---- UDP: DNS datagrams ----

/// One datagram of a UDP call: where its bytes are, and the peer's sockaddr when the call named
/// one (sendto/recvfrom's address, a msghdr's msg_name).
struct udp_msg {
    __u64 buf;      // first buffer (a datagram in several iovecs is captured from the first)
    __u64 name;     // user sockaddr, 0 for a connected socket's own peer
    __u32 buf_len;  // size of that buffer
    __u32 len;      // bytes the datagram has
    __u16 syscall;
    __u16 direction;
};

/// The 12-byte header is plausibly DNS: standard query opcode and one question (queries and the
/// responses that echo them).
static __always_inline int dns_header_plausible(const __u8 *h, __u32 len) {
    return len >= 12 && (h[2] & 0x78) == 0 && h[4] == 0 && h[5] == 1;
}

/// Ships one UDP datagram if it is DNS: the socket already carried DNS, port 53 is on either end,
/// or the bytes are a DNS query (a server on another port, e.g. dnsmasq --port). Anything else
/// is only counted; after MAX_INFER_ATTEMPTS such datagrams a socket that never carried DNS is
/// left alone (protocol "none").
static __noinline int udp_datagram(struct sprite_conn_info *info, struct udp_msg *m) {
    if (info->protocol == SPRITE_PROTO_NONE) return 0;
    __u8 head[12] = {};
    if (!m->buf || m->len < 12 || m->buf_len < 12 || bpf_probe_read_user(head, 12, (const void *)m->buf) != 0
        || !dns_header_plausible(head, m->len))
        goto other;
    __u16 family = info->family;
    __u16 remote_port = info->remote_port;
    __u8 remote[16] = {};
    __builtin_memcpy(remote, info->remote_addr, 16);
    if (m->name) {
        struct {
            __u16 family;
            __u16 port;
            __u32 addr4;
            __u8 rest[8];
        } sa = {};
        if (bpf_probe_read_user(&sa, sizeof(sa), (const void *)m->name) != 0) goto other;
        if (sa.family == AF_INET) {
            __builtin_memset(remote, 0, 16);
            __builtin_memcpy(remote, &sa.addr4, 4);
        } else if (sa.family == AF_INET6) {
            if (bpf_probe_read_user(remote, 16, (const void *)(m->name + 8)) != 0) goto other;
        } else {
            goto other;
        }
        family = sa.family;
        remote_port = bpf_ntohs(sa.port);
    }
    if (info->protocol != SPRITE_PROTO_DNS && remote_port != DNS_PORT && info->local_port != DNS_PORT
        && !looks_like_dns(head, 12, m->len))
        goto other;
    info->protocol = SPRITE_PROTO_DNS;

    struct sprite_gather_datagram *ev = scratch_datagram();
    if (!ev) return 0;
    emit_header(&ev->h.d.hdr, SPRITE_EVENT_DATAGRAM, &info->id);
    ev->h.d.position = 0;
    ev->h.d.length = m->len;
    ev->h.d.direction = m->direction;
    ev->h.d.role = info->role;
    ev->h.d.protocol = SPRITE_PROTO_DNS;
    ev->h.d.syscall = m->syscall;
    ev->h.family = family;
    ev->h.remote_port = remote_port;
    ev->h.local_port = info->local_port;
    ev->h.pad = 0;
    __builtin_memcpy(ev->h.remote_addr, remote, 16);
    __builtin_memcpy(ev->h.local_addr, info->local_addr, 16);
    struct task_struct *task = bpf_get_current_task_btf();
    __builtin_memset(ev->h.comm, 0, sizeof(ev->h.comm));
    BPF_CORE_READ_STR_INTO(&ev->h.comm, task, group_leader, comm);
    __u32 n = m->len < m->buf_len ? m->len : m->buf_len;
    __u32 limit = sprite_config.capture_limit;
    if (n > limit) n = limit;
    if (n > SPRITE_MAX_CAPTURE) n = SPRITE_MAX_CAPTURE;
    asm volatile("" : "+r"(n));
    if (n > SPRITE_MAX_CAPTURE) return 0;
    if (n > 0 && bpf_probe_read_user(ev->data, n, (const void *)m->buf) != 0) n = 0;
    ev->h.d.captured = n;
    count(SPRITE_COUNTER_DATA_EVENTS);
    __u64 size = offsetof(struct sprite_gather_datagram, data) + n;
    if (size > sizeof(*ev)) return 0;
    ev->h.d.hdr.timestamp_ns = bpf_ktime_get_ns();
    if (bpf_ringbuf_output(&events, ev, size, wakeup_flags()) != 0) count(SPRITE_COUNTER_RINGBUF_DROPS);
    return 0;
other:
    if (info->protocol == SPRITE_PROTO_UNKNOWN && ++info->infer_attempts >= MAX_INFER_ATTEMPTS)
        info->protocol = SPRITE_PROTO_NONE;
    return 0;
}

/// A read/write-family call on a UDP socket: one datagram.
static __always_inline int udp_io(struct sprite_conn_info *info, struct pt_regs *regs, __u16 kind, __u16 syscall,
                                  __u32 direction, __u32 len) {
    // No byte counts: UDP sockets have no conn_stats, and other UDP traffic stays this cheap.
    if (info->protocol == SPRITE_PROTO_NONE) return 0;
    struct udp_msg m = {.len = len, .syscall = syscall, .direction = direction};
    struct iovec_user v = {};
    if (kind == IO_PLAIN) {
        m.buf = PT_REGS_PARM2_SYSCALL(regs);
        m.buf_len = (__u32)PT_REGS_PARM3_SYSCALL(regs);
        if (syscall == 44 || syscall == 45) m.name = PT_REGS_PARM5_SYSCALL(regs);  // sendto, recvfrom
    } else if (kind == IO_IOVEC) {
        if ((__u32)PT_REGS_PARM3_SYSCALL(regs) == 0
            || bpf_probe_read_user(&v, sizeof(v), (const void *)PT_REGS_PARM2_SYSCALL(regs)) != 0) return 0;
        m.buf = v.base;
        m.buf_len = (__u32)v.len;
    } else if (kind == IO_MSG) {
        struct msghdr_user h = {};
        if (bpf_probe_read_user(&h, sizeof(h), (const void *)PT_REGS_PARM2_SYSCALL(regs)) != 0) return 0;
        if (h.iovlen == 0 || bpf_probe_read_user(&v, sizeof(v), (const void *)h.iov) != 0) return 0;
        m.buf = v.base;
        m.buf_len = (__u32)v.len;
        if (h.namelen >= 16) m.name = h.name;
    } else {
        return 0;
    }
    return udp_datagram(info, &m);
}

/// The conn_info entry of (tgid, fd), created on first sight of a TCP/UDP socket not tracked yet.
static __always_inline struct sprite_conn_info *connection_of(__u32 tgid, __u32 fd) {
    __u64 key = conn_key(tgid, fd);
    struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
    if (info) return info;
    return track_unknown_fd(tgid, fd);
}

/// Whether the first message the inference recognised is one a client sends (a request) rather
/// than one a server sends (an HTTP response, a MySQL greeting).
static __always_inline int infers_request(const __u8 *b, __u16 protocol) {
    if (protocol == SPRITE_PROTO_HTTP) return !(b[0] == 'H' && b[1] == 'T' && b[2] == 'T' && b[3] == 'P');
    if (protocol == SPRITE_PROTO_MYSQL) return !(b[3] == 0 && b[4] == 10);
    if (protocol == SPRITE_PROTO_HTTP2) return !http2_starts_response(b, SPRITE_INFER_BYTES);
    return 1;
}

/// A transfer finished. The syscall's arguments are read back from the task's saved user
/// registers (`bpf_task_pt_regs`; read/write-style syscalls leave them untouched), so no enter
/// program has to run and stash them: one program and one map lookup per call, and calls on fds
/// that are not traced connections cost only that lookup.
static __always_inline int exit_io(struct trace_event_raw_sys_exit *ctx, __u16 kind, __u16 syscall, __u32 direction) {
    long ret = ctx->ret;
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if (tgid == self_tgid) return 0;
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
    __u32 fd = (__u32)PT_REGS_PARM1_SYSCALL(regs);
    __u64 key = conn_key(tgid, fd);
    struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
    if (!info) {
        if (ret <= 0) return 0;
        info = track_unknown_fd(tgid, fd);
        if (!info) return 0;
    }
    if (info->transport == PROTO_UDP) return ret > 0 ? udp_io(info, regs, kind, syscall, direction, ret) : 0;
    // Still inside the SSL call that made it (its return probe fires later), failed or not.
    tls_note_syscall_fd(id, fd);
    if (ret <= 0) return 0;
    struct io_args a = {.fd = fd, .kind = kind, .syscall = syscall, .direction = direction};
    if (kind == IO_PLAIN) {
        a.buf = PT_REGS_PARM2_SYSCALL(regs);
    } else if (kind == IO_IOVEC) {
        a.buf = PT_REGS_PARM2_SYSCALL(regs);
        a.iovcnt = (__u32)PT_REGS_PARM3_SYSCALL(regs);
    } else if (kind == IO_MSG) {
        struct msghdr_user m = {};
        if (bpf_probe_read_user(&m, sizeof(m), (const void *)PT_REGS_PARM2_SYSCALL(regs)) != 0) return 0;
        a.kind = IO_IOVEC;
        a.buf = m.iov;
        a.iovcnt = m.iovlen;
    }
    __u32 len = ret;
    __u64 position = a.direction == SPRITE_DIR_EGRESS
        ? __sync_fetch_and_add(&info->bytes_sent, len)
        : __sync_fetch_and_add(&info->bytes_recv, len);

    __u64 first = a.buf;
    __u32 first_len = len;
    if (a.kind == IO_IOVEC) {
        struct iovec_user v = {};
        if (a.iovcnt == 0 || bpf_probe_read_user(&v, sizeof(v), (const void *)a.buf) != 0) return 0;
        first = v.base;
        first_len = v.len < len ? v.len : len;
    } else if (a.kind == IO_SIZE_ONLY) {
        first = 0;
        first_len = 0;
    }

    if (info->tls) return 0;  // ciphertext: the TLS tracer ships the plaintext
    // User space may have classified a connection the heuristics could not (ProtocolDetector);
    // a connection given up on is looked up for a bounded number of further transfers.
    if (info->protocol == SPRITE_PROTO_UNKNOWN ||
        (info->protocol == SPRITE_PROTO_NONE && info->infer_attempts < SPRITE_OVERRIDE_WINDOW)) {
        struct sprite_protocol_override *o = bpf_map_lookup_elem(&protocol_override, &key);
        if (o) {
            if (o->generation == info->id.generation) info->protocol = o->protocol;
            bpf_map_delete_elem(&protocol_override, &key);
        } else if (info->protocol == SPRITE_PROTO_NONE) {
            info->infer_attempts++;
        }
    }
    if (info->protocol == SPRITE_PROTO_UNKNOWN) {
        __u8 head[SPRITE_INFER_BYTES] = {};
        __u32 n = first_len < SPRITE_INFER_BYTES ? first_len : SPRITE_INFER_BYTES;
        __u16 guess = SPRITE_PROTO_UNKNOWN;
        if (first && n > 0 && bpf_probe_read_user(head, n & (SPRITE_INFER_BYTES - 1) ? n & (SPRITE_INFER_BYTES - 1) : SPRITE_INFER_BYTES,
                                                  (const void *)first) == 0)
            guess = infer_protocol(head, n, first_len);
        if (guess != SPRITE_PROTO_UNKNOWN) {
            info->protocol = guess;
            // Tracked without connect/accept (inherited, or open before the collector started):
            // who sends the first recognised message decides the role.
            if (info->role == SPRITE_ROLE_UNKNOWN)
                info->role = infers_request(head, guess) == (a.direction == SPRITE_DIR_INGRESS) ? SPRITE_ROLE_SERVER : SPRITE_ROLE_CLIENT;
        } else if (first && n > 0 && looks_like_tls(head, n)) {
            info->tls = 1;
            return 0;
        } else if (++info->infer_attempts >= MAX_INFER_ATTEMPTS) {
            info->protocol = SPRITE_PROTO_NONE;
        }
    }
    if (info->protocol == SPRITE_PROTO_UNKNOWN || info->protocol == SPRITE_PROTO_NONE) {
        // Not classified: the connection's first transfers go to user space as bounded prefixes,
        // until it decides (a protocol_override entry) or the window closes.
        if (info->infer_attempts < SPRITE_OVERRIDE_WINDOW)
            emit_unknown(info, a.direction, position, first, first_len, len, a.syscall);
        return 0;
    }

    if (a.kind != IO_IOVEC) {
        emit_data(info, a.direction, position, first, len, a.syscall);
        return 0;
    }
    emit_iovec(info, &a, position, len);
    return 0;
}

#define EXIT_IO(name, kind, dir, nr)                                                  \
    SEC("tracepoint/syscalls/sys_exit_" #name)                                       \
    int exit_##name(struct trace_event_raw_sys_exit *ctx) { return exit_io(ctx, kind, nr, dir); }

EXIT_IO(read, IO_PLAIN, SPRITE_DIR_INGRESS, 0)
EXIT_IO(write, IO_PLAIN, SPRITE_DIR_EGRESS, 1)
EXIT_IO(recvfrom, IO_PLAIN, SPRITE_DIR_INGRESS, 45)
EXIT_IO(sendto, IO_PLAIN, SPRITE_DIR_EGRESS, 44)
EXIT_IO(readv, IO_IOVEC, SPRITE_DIR_INGRESS, 19)
EXIT_IO(writev, IO_IOVEC, SPRITE_DIR_EGRESS, 20)
EXIT_IO(sendmsg, IO_MSG, SPRITE_DIR_EGRESS, 46)
EXIT_IO(recvmsg, IO_MSG, SPRITE_DIR_INGRESS, 47)
EXIT_IO(sendfile64, IO_SIZE_ONLY, SPRITE_DIR_EGRESS, 40)

/// sendmmsg/recvmmsg: several datagrams in one call (glibc's resolver sends its A and AAAA
/// queries with one sendmmsg). Only UDP sockets are looked at.
static __always_inline int exit_mmsg(struct trace_event_raw_sys_exit *ctx, __u16 syscall, __u32 direction) {
    long ret = ctx->ret;
    if (ret <= 0) return 0;
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (tgid == self_tgid) return 0;
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
    __u32 fd = (__u32)PT_REGS_PARM1_SYSCALL(regs);
    struct sprite_conn_info *info = connection_of(tgid, fd);
    if (!info || info->transport != PROTO_UDP || info->protocol == SPRITE_PROTO_NONE) return 0;
    __u64 vec = PT_REGS_PARM2_SYSCALL(regs);
    for (int i = 0; i < MAX_MMSG; i++) {
        if (i >= ret) break;
        struct mmsghdr_user mm = {};
        if (bpf_probe_read_user(&mm, sizeof(mm), (const void *)(vec + i * sizeof(mm))) != 0) break;
        struct iovec_user v = {};
        if (mm.hdr.iovlen == 0 || bpf_probe_read_user(&v, sizeof(v), (const void *)mm.hdr.iov) != 0) continue;
        struct udp_msg m = {.buf = v.base, .buf_len = (__u32)v.len, .len = mm.len, .syscall = syscall, .direction = direction};
        if (mm.hdr.namelen >= 16) m.name = mm.hdr.name;
        udp_datagram(info, &m);
    }
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int exit_sendmmsg(struct trace_event_raw_sys_exit *ctx) { return exit_mmsg(ctx, 307, SPRITE_DIR_EGRESS); }

SEC("tracepoint/syscalls/sys_exit_recvmmsg")
int exit_recvmmsg(struct trace_event_raw_sys_exit *ctx) { return exit_mmsg(ctx, 299, SPRITE_DIR_INGRESS); }

// ---- close and exit ----

SEC("tracepoint/syscalls/sys_enter_close")
int enter_close(struct trace_event_raw_sys_enter *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if (tgid == self_tgid) return 0;
    __u64 key = conn_key(tgid, (__u32)ctx->args[0]);
    struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
    if (!info) return 0;
    // A UDP socket that never carried DNS never reached user space.
    struct sprite_close_event *ev = info->transport == PROTO_UDP && info->protocol != SPRITE_PROTO_DNS
        ? NULL : bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (ev) {
        emit_header(&ev->hdr, SPRITE_EVENT_CLOSE, &info->id);
        ev->bytes_sent = info->bytes_sent;
        ev->bytes_recv = info->bytes_recv;
        ev->role = info->role;
        ev->protocol = info->protocol;
        ev->pad = 0;
        bpf_ringbuf_submit(ev, wakeup_flags());
    } else if (info->transport != PROTO_UDP) {
        count(SPRITE_COUNTER_RINGBUF_DROPS);
    }
    bpf_map_delete_elem(&conn_info, &key);
    return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int process_exit(void *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if ((__u32)id != tgid) return 0;
    struct fd_bitmap *known = not_sockets_slot(tgid);
    if (known && known->tgid == tgid) known->tgid = 0;
    if (!bpf_map_lookup_elem(&traced_pids, &tgid)) return 0;
    bpf_map_delete_elem(&traced_pids, &tgid);
    struct sprite_event_header *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (!ev) {
        count(SPRITE_COUNTER_RINGBUF_DROPS);
        return 0;
    }
    struct sprite_conn_id cid = {.tgid = tgid};
    emit_header(ev, SPRITE_EVENT_PROC_EXIT, &cid);
    bpf_ringbuf_submit(ev, wakeup_flags());
    return 0;
}

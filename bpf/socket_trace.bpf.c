// Sprite socket tracer: syscall tracepoints only (no kprobes), CO-RE reads of the socket behind
// an fd, protocol inference in the kernel (protocol_infer.h), payload through one ring buffer with stream positions.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "sprite_bpf.h"
#include "protocol_infer.h"
#include "tls_hook.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define PROTO_TCP 6
#define EINPROGRESS 115
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define MAX_INFER_ATTEMPTS 8

enum io_kind { IO_PLAIN = 0, IO_IOVEC = 1, IO_SIZE_ONLY = 2, IO_MSG = 3 };

/// Set by user space before load.
const volatile struct sprite_config sprite_config SEC(".rodata.config") = {
    .self_tgid = 0,
    .capture_limit = SPRITE_DEFAULT_CAPTURE,
    .wakeup_bytes = 0,
};
#define self_tgid (sprite_config.self_tgid)

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);  // tgid << 32 | fd
    __type(value, struct sprite_conn_info);
} conn_info SEC(".maps");

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

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32);  // tgid with at least one traced connection
    __type(value, __u32);
} traced_pids SEC(".maps");

/// Staging area for data events, one slot per CPU (an ARRAY indexed by CPU rather than a
/// PERCPU_ARRAY: per-CPU values are limited to 32 KiB). User space sizes it to the possible CPUs.
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, struct sprite_gather_event);
} scratch SEC(".maps");

static __always_inline struct sprite_gather_event *scratch_event(void) {
    __u32 cpu = bpf_get_smp_processor_id();
    return bpf_map_lookup_elem(&scratch, &cpu);
}

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SPRITE_COUNTER_MAX);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} generation SEC(".maps");

#include "ringbuf_wakeup.h"

static __always_inline void count(__u32 which) {
    __u64 *v = bpf_map_lookup_elem(&counters, &which);
    if (v) *v += 1;
}

static __always_inline __u64 conn_key(__u32 tgid, __u32 fd) {
    return ((__u64)tgid << 32) | fd;
}

/// The TCP sock behind `fd` of the current task, or NULL when fd is no TCP socket.
static __always_inline struct sock *tcp_sock_of_fd(__u32 fd) {
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt) return NULL;
    __u32 max_fds = BPF_CORE_READ(fdt, max_fds);
    if (fd >= max_fds) return NULL;
    struct file **fds = BPF_CORE_READ(fdt, fd);
    struct file *f = NULL;
    if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) != 0 || !f) return NULL;
    umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & S_IFMT) != S_IFSOCK) return NULL;
    struct socket *sock = BPF_CORE_READ(f, private_data);
    if (!sock) return NULL;
    struct sock *sk = BPF_CORE_READ(sock, sk);
    if (!sk) return NULL;
    if (BPF_CORE_READ(sk, sk_protocol) != PROTO_TCP || BPF_CORE_READ(sk, sk_type) != SOCK_STREAM) return NULL;
    return sk;
}

static __always_inline void emit_header(struct sprite_event_header *h, __u32 kind, const struct sprite_conn_id *id) {
    h->kind = kind;
    h->cpu = bpf_get_smp_processor_id();
    h->timestamp_ns = bpf_ktime_get_ns();
    h->conn = *id;
}

static __always_inline void track_open(__u32 tgid, __u32 fd, __u16 role) {
    struct sock *sk = tcp_sock_of_fd(fd);
    if (!sk) return;
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family != AF_INET && family != AF_INET6) return;

    struct sprite_conn_info info = {};
    info.family = family;
    info.role = role;
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
    if (!gen) return;
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    info.id.tgid = tgid;
    info.id.fd = fd;
    info.id.generation = __sync_fetch_and_add(gen, 1) + 1;
    info.id.proc_start_ns = BPF_CORE_READ(task, group_leader, start_boottime);

    __u64 key = conn_key(tgid, fd);
    if (bpf_map_update_elem(&conn_info, &key, &info, BPF_ANY) != 0) {
        count(SPRITE_COUNTER_CONN_TABLE_FULL);
        return;
    }
    __u32 one = 1;
    bpf_map_update_elem(&traced_pids, &tgid, &one, BPF_ANY);

    struct sprite_open_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (!ev) {
        count(SPRITE_COUNTER_RINGBUF_DROPS);
        return;
    }
    emit_header(&ev->hdr, SPRITE_EVENT_OPEN, &info.id);
    ev->family = family;
    ev->role = role;
    ev->remote_port = info.remote_port;
    ev->local_port = info.local_port;
    __builtin_memcpy(ev->remote_addr, info.remote_addr, 16);
    __builtin_memcpy(ev->local_addr, info.local_addr, 16);
    bpf_ringbuf_submit(ev, wakeup_flags());
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
    track_open(id >> 32, f, SPRITE_ROLE_CLIENT);
    return 0;
}

static __always_inline int exit_accept(struct trace_event_raw_sys_exit *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    if ((id >> 32) == self_tgid || ctx->ret < 0) return 0;
    track_open(id >> 32, (__u32)ctx->ret, SPRITE_ROLE_SERVER);
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int exit_accept_(struct trace_event_raw_sys_exit *ctx) { return exit_accept(ctx); }

SEC("tracepoint/syscalls/sys_exit_accept4")
int exit_accept4(struct trace_event_raw_sys_exit *ctx) { return exit_accept(ctx); }

// ---- data ----

static __always_inline void emit_data(struct sprite_conn_info *info, __u32 direction, __u64 position,
                                      __u64 ptr, __u32 len, __u16 syscall) {
    struct sprite_gather_event *ev = scratch_event();
    if (!ev) return;
    emit_header(&ev->d.hdr, SPRITE_EVENT_DATA, &info->id);
    ev->d.position = position;
    ev->d.length = len;
    ev->d.direction = direction;
    ev->d.role = info->role;
    ev->d.protocol = info->protocol;
    ev->d.syscall = syscall;
    __u32 n = len;
    __u32 limit = sprite_config.capture_limit;
    if (n > limit) n = limit;
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

struct iovec_user {
    __u64 base;
    __u64 len;
};

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
    __u32 copied = 0;
    __u32 remaining = len;
    for (int i = 0; i < SPRITE_MAX_IOVECS; i++) {
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
        copied += n;
    }
    // Bytes past the copied prefix (capture limit, more iovecs, a failed read) are a gap.
    ev->d.captured = copied;
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
};

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
    if (!info) return 0;
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
    if (info->protocol == SPRITE_PROTO_UNKNOWN) {
        __u8 head[SPRITE_INFER_BYTES] = {};
        __u32 n = first_len < SPRITE_INFER_BYTES ? first_len : SPRITE_INFER_BYTES;
        __u16 guess = SPRITE_PROTO_UNKNOWN;
        if (first && n > 0 && bpf_probe_read_user(head, n & (SPRITE_INFER_BYTES - 1) ? n & (SPRITE_INFER_BYTES - 1) : SPRITE_INFER_BYTES,
                                                  (const void *)first) == 0)
            guess = infer_protocol(head, n, first_len);
        if (guess != SPRITE_PROTO_UNKNOWN) {
            info->protocol = guess;
        } else if (first && n > 0 && looks_like_tls(head, n)) {
            info->tls = 1;
            return 0;
        } else if (++info->infer_attempts >= MAX_INFER_ATTEMPTS) {
            info->protocol = SPRITE_PROTO_NONE;
        }
    }
    if (info->protocol == SPRITE_PROTO_UNKNOWN || info->protocol == SPRITE_PROTO_NONE) return 0;

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

// ---- close and exit ----

SEC("tracepoint/syscalls/sys_enter_close")
int enter_close(struct trace_event_raw_sys_enter *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if (tgid == self_tgid) return 0;
    __u64 key = conn_key(tgid, (__u32)ctx->args[0]);
    struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
    if (!info) return 0;
    struct sprite_close_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (ev) {
        emit_header(&ev->hdr, SPRITE_EVENT_CLOSE, &info->id);
        ev->bytes_sent = info->bytes_sent;
        ev->bytes_recv = info->bytes_recv;
        ev->role = info->role;
        ev->protocol = info->protocol;
        ev->pad = 0;
        bpf_ringbuf_submit(ev, wakeup_flags());
    } else {
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

// Sprite TLS tracer: uprobes on OpenSSL's SSL_write, SSL_read, SSL_write_ex and SSL_read_ex
// capture plaintext, tied to the socket by the read/write syscall the call makes underneath (seen
// by the socket tracer through tls_calls) or, when OpenSSL serves a read from its own buffer
// without a syscall, by the fd last seen for the same SSL object. Plaintext leaves as ordinary data
// events with SPRITE_SOURCE_TLS set, so user space reassembles and parses it like socket bytes.
// Attached from user space per library file (bpf_program__attach_uprobe_opts, pid -1).
// The maps events, conn_info, counters and tls_calls are the socket tracer's (reused by fd).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sprite_bpf.h"
#include "sprite_maps.h"
#include "protocol_infer.h"
#include "tls_hook.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_INFER_ATTEMPTS 8

// ---- the TLS tracer's own maps ----

/// The socket an SSL object was last seen on, for reads OpenSSL serves from its buffer.
struct tls_ssl_key {
    __u64 ssl;
    __u32 tgid;
    __u32 pad;
};

struct tls_ssl_fd {
    __u64 generation;  // of the connection on that fd, so a reused fd is not mistaken for it
    __s32 fd;
    __u32 pad;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, struct tls_ssl_key);
    __type(value, struct tls_ssl_fd);
} tls_ssl_fds SEC(".maps");

/// Plaintext stream state of a TLS connection: positions and protocol of the decrypted bytes
/// (conn_info keeps the socket's own byte counts).
struct tls_stream {
    __u64 generation;
    __u64 sent;
    __u64 recv;
    __u16 protocol;
    __u16 infer_attempts;
    __u32 pad;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);  // tgid << 32 | fd
    __type(value, struct tls_stream);
} tls_streams SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct sprite_data_event);
} tls_scratch SEC(".maps");

// ---- entry: remember the arguments until the call returns ----

static __always_inline int tls_enter(__u64 ssl, __u64 buf, __u64 size_ptr, __u32 function) {
    __u64 id = bpf_get_current_pid_tgid();
    if ((id >> 32) == sprite_config.self_tgid) return 0;
    struct tls_call c = {.ssl = ssl, .buf = buf, .size_ptr = size_ptr, .fd = -1, .function = function};
    bpf_map_update_elem(&tls_calls, &id, &c, BPF_ANY);
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_entry, void *ssl, const void *buf, int num) {
    return tls_enter((__u64)ssl, (__u64)buf, 0, SPRITE_TLS_FN_SSL_WRITE);
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_entry, void *ssl, void *buf, int num) {
    return tls_enter((__u64)ssl, (__u64)buf, 0, SPRITE_TLS_FN_SSL_READ);
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_ex_entry, void *ssl, const void *buf, __u64 num, __u64 *written) {
    return tls_enter((__u64)ssl, (__u64)buf, (__u64)written, SPRITE_TLS_FN_SSL_WRITE_EX);
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_ex_entry, void *ssl, void *buf, __u64 num, __u64 *readbytes) {
    return tls_enter((__u64)ssl, (__u64)buf, (__u64)readbytes, SPRITE_TLS_FN_SSL_READ_EX);
}

// ---- return: find the connection, ship the plaintext ----

/// The connection of call `c`: the fd of its nested syscall (remembered for the SSL object), else
/// the fd remembered for the SSL object if that connection is still the same one.
static __always_inline struct sprite_conn_info *tls_connection(__u32 tgid, struct tls_call *c) {
    struct tls_ssl_key sk = {.ssl = c->ssl, .tgid = tgid};
    if (c->fd >= 0) {
        __u64 key = ((__u64)tgid << 32) | (__u32)c->fd;
        struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
        if (!info) return NULL;
        struct tls_ssl_fd v = {.generation = info->id.generation, .fd = c->fd};
        bpf_map_update_elem(&tls_ssl_fds, &sk, &v, BPF_ANY);
        return info;
    }
    struct tls_ssl_fd *v = bpf_map_lookup_elem(&tls_ssl_fds, &sk);
    if (!v) {
        count(SPRITE_COUNTER_TLS_NO_FD);
        return NULL;
    }
    __u64 key = ((__u64)tgid << 32) | (__u32)v->fd;
    struct sprite_conn_info *info = bpf_map_lookup_elem(&conn_info, &key);
    if (!info || info->id.generation != v->generation) return NULL;
    return info;
}

static __always_inline void tls_emit(struct sprite_conn_info *info, struct tls_stream *st, __u32 direction,
                                     __u64 buf, __u32 len, __u32 function) {
    __u64 position = direction == SPRITE_DIR_EGRESS ? __sync_fetch_and_add(&st->sent, len)
                                                    : __sync_fetch_and_add(&st->recv, len);
    if (st->protocol == SPRITE_PROTO_UNKNOWN) {
        __u8 head[SPRITE_INFER_BYTES] = {};
        __u32 n = len < SPRITE_INFER_BYTES ? len : SPRITE_INFER_BYTES;
        __u16 guess = SPRITE_PROTO_UNKNOWN;
        if (n > 0 && bpf_probe_read_user(head, n & (SPRITE_INFER_BYTES - 1) ? n & (SPRITE_INFER_BYTES - 1) : SPRITE_INFER_BYTES,
                                         (const void *)buf) == 0)
            guess = infer_protocol(head, n, len);
        if (guess != SPRITE_PROTO_UNKNOWN) {
            st->protocol = guess;
        } else if (++st->infer_attempts >= MAX_INFER_ATTEMPTS) {
            st->protocol = SPRITE_PROTO_NONE;
        }
    }
    if (st->protocol == SPRITE_PROTO_UNKNOWN || st->protocol == SPRITE_PROTO_NONE) return;

    __u32 zero = 0;
    struct sprite_data_event *ev = bpf_map_lookup_elem(&tls_scratch, &zero);
    if (!ev) return;
    ev->d.hdr.kind = SPRITE_EVENT_DATA;
    ev->d.hdr.cpu = bpf_get_smp_processor_id();
    ev->d.hdr.timestamp_ns = bpf_ktime_get_ns();
    ev->d.hdr.conn = info->id;
    ev->d.position = position;
    ev->d.length = len;
    ev->d.direction = direction;
    ev->d.role = info->role;
    ev->d.protocol = st->protocol;
    ev->d.syscall = SPRITE_SOURCE_TLS | function;
    __u32 n = len;
    __u32 limit = sprite_config.capture_limit;
    if (n > limit) n = limit;
    if (n > SPRITE_MAX_CAPTURE) n = SPRITE_MAX_CAPTURE;
    asm volatile("" : "+r"(n));
    if (n > SPRITE_MAX_CAPTURE) return;
    if (n > 0 && bpf_probe_read_user(ev->data, n, (const void *)buf) != 0) n = 0;
    ev->d.captured = n;
    count(SPRITE_COUNTER_DATA_EVENTS);
    __u64 size = offsetof(struct sprite_data_event, data) + n;
    if (size > sizeof(*ev)) return;
    if (bpf_ringbuf_output(&events, ev, size, wakeup_flags()) != 0) count(SPRITE_COUNTER_RINGBUF_DROPS);
}

static __always_inline int tls_return(long ret, __u32 direction) {
    __u64 id = bpf_get_current_pid_tgid();
    struct tls_call *cp = bpf_map_lookup_elem(&tls_calls, &id);
    if (!cp) return 0;
    struct tls_call c = *cp;
    bpf_map_delete_elem(&tls_calls, &id);

    __u64 len = 0;
    if (c.size_ptr) {
        // SSL_read_ex / SSL_write_ex: 1 on success, the byte count behind the size_t *.
        if (ret != 1 || bpf_probe_read_user(&len, sizeof(len), (const void *)c.size_ptr) != 0) return 0;
    } else {
        if (ret <= 0) return 0;
        len = ret;
    }
    if (len == 0 || len > 0x7fffffff) return 0;

    __u32 tgid = id >> 32;
    struct sprite_conn_info *info = tls_connection(tgid, &c);
    if (!info) return 0;
    info->tls = 1;

    __u64 key = ((__u64)tgid << 32) | info->id.fd;
    struct tls_stream *st = bpf_map_lookup_elem(&tls_streams, &key);
    if (!st || st->generation != info->id.generation) {
        struct tls_stream fresh = {.generation = info->id.generation};
        if (bpf_map_update_elem(&tls_streams, &key, &fresh, BPF_ANY) != 0) return 0;
        st = bpf_map_lookup_elem(&tls_streams, &key);
        if (!st) return 0;
    }
    tls_emit(info, st, direction, c.buf, (__u32)len, c.function);
    return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_write_return, long ret) {
    // SSL_write returns int: sign-extend the low 32 bits.
    return tls_return((long)(int)ret, SPRITE_DIR_EGRESS);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_read_return, long ret) {
    return tls_return((long)(int)ret, SPRITE_DIR_INGRESS);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_write_ex_return, long ret) {
    return tls_return((long)(int)ret, SPRITE_DIR_EGRESS);
}

SEC("uretprobe")
int BPF_KRETPROBE(ssl_read_ex_return, long ret) {
    return tls_return((long)(int)ret, SPRITE_DIR_INGRESS);
}

// ---- discovery ----

/// Every execve: user space scans the new image's mappings for TLS libraries.
SEC("tracepoint/sched/sched_process_exec")
int tls_process_exec(void *ctx) {
    __u64 id = bpf_get_current_pid_tgid();
    __u32 tgid = id >> 32;
    if (tgid == sprite_config.self_tgid) return 0;
    struct sprite_event_header *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
    if (!ev) {
        count(SPRITE_COUNTER_RINGBUF_DROPS);
        return 0;
    }
    ev->kind = SPRITE_EVENT_EXEC;
    ev->cpu = bpf_get_smp_processor_id();
    ev->timestamp_ns = bpf_ktime_get_ns();
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct sprite_conn_id cid = {.tgid = tgid, .proc_start_ns = BPF_CORE_READ(task, group_leader, start_boottime)};
    ev->conn = cid;
    bpf_ringbuf_submit(ev, wakeup_flags());
    return 0;
}

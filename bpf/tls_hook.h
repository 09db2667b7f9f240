// State shared by the socket tracer (syscall tracepoints) and the TLS tracer (uprobes on OpenSSL,
// ssl_trace.bpf.c). Both objects declare the map below; user space creates it once, in the socket
// tracer, and hands the same fd to the TLS tracer before it is loaded.
#ifndef SPRITE_TLS_HOOK_H
#define SPRITE_TLS_HOOK_H

/// One SSL_read/SSL_write(_ex) call in progress on a thread: what its entry probe saw, plus the
/// socket fd of the first read/write syscall the call made underneath (-1 until one happens).
struct tls_call {
    __u64 ssl;       // the SSL * argument
    __u64 buf;       // plaintext buffer
    __u64 size_ptr;  // size_t * of the _ex variants (bytes moved), 0 for SSL_read/SSL_write
    __s32 fd;
    __u32 function;  // SPRITE_TLS_FN_*
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);  // pid_tgid
    __type(value, struct tls_call);
} tls_calls SEC(".maps");

/// Called by the socket tracer at the entry of every read/write syscall on a traced TCP socket:
/// if the thread is inside an SSL call, that call's connection is this fd (nested-syscall method).
static __always_inline void tls_note_syscall_fd(__u64 pid_tgid, __u32 fd) {
    struct tls_call *c = bpf_map_lookup_elem(&tls_calls, &pid_tgid);
    if (c && c->fd < 0) c->fd = (__s32)fd;
}

/// Whether `b` starts a TLS handshake record (content type 22, version 3.x): the connection's
/// bytes at the syscall layer are ciphertext and are never parsed there.
static __always_inline int looks_like_tls(const __u8 *b, __u32 n) {
    return n >= 3 && b[0] == 0x16 && b[1] == 0x03 && b[2] <= 0x04;
}

#endif

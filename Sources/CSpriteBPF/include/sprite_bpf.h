// Event layouts shared by the BPF programs in bpf/ and the Swift collector.
// Kept free of kernel headers: the BPF side includes vmlinux.h first, user space <linux/types.h>.
#ifndef SPRITE_BPF_H
#define SPRITE_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/// Largest payload one data event can carry (a power of two; the capture limit is clamped to it).
#define SPRITE_MAX_CAPTURE 16384
/// Default payload bytes copied per event (rodata `capture_limit`, set by user space at load).
#define SPRITE_DEFAULT_CAPTURE 16384
/// Iovecs inspected per readv/writev/sendmsg/recvmsg call; bytes beyond them count as a gap
/// (gRPC C-core writes one HTTP/2 HEADERS frame as a dozen or more iovecs).
#define SPRITE_MAX_IOVECS 64

/// Load-time settings, kept in their own read-only section (`.rodata.config`) so user space
/// finds them at offset 0 of that map and writes them before loading.
struct sprite_config {
    /// The collector's own process id: never traced.
    __u32 self_tgid;
    /// Payload bytes copied per event, at most SPRITE_MAX_CAPTURE; the rest of a syscall's
    /// bytes are reported as a gap (length > captured).
    __u32 capture_limit;
    /// Ring-buffer bytes waiting before an event wakes the consumer; below it events are
    /// committed with BPF_RB_NO_WAKEUP and user space finds them at its next poll. 0: wake on
    /// every event.
    __u32 wakeup_bytes;
    __u32 reserved;
};

enum sprite_event_kind {
    SPRITE_EVENT_OPEN = 1,
    SPRITE_EVENT_DATA = 2,
    SPRITE_EVENT_CLOSE = 3,
    SPRITE_EVENT_PROC_EXIT = 4,
    /// A process called execve (sched_process_exec): its mappings are scanned for TLS libraries.
    SPRITE_EVENT_EXEC = 5,
    /// One UDP datagram that looks like DNS, with the endpoints it went between
    /// (`sprite_datagram_header`).
    SPRITE_EVENT_DATAGRAM = 6,
};

/// TLS library functions the TLS tracer probes (the low bits of `syscall` in TLS data events).
enum sprite_tls_function {
    SPRITE_TLS_FN_SSL_WRITE = 0,
    SPRITE_TLS_FN_SSL_READ = 1,
    SPRITE_TLS_FN_SSL_WRITE_EX = 2,
    SPRITE_TLS_FN_SSL_READ_EX = 3,
};

/// Set in `sprite_data_header.syscall` when the bytes are TLS plaintext captured inside the TLS
/// library (the low bits then hold a `sprite_tls_function`), clear for bytes of a syscall.
#define SPRITE_SOURCE_TLS 0x8000

enum sprite_role {
    SPRITE_ROLE_UNKNOWN = 0,
    SPRITE_ROLE_CLIENT = 1,
    SPRITE_ROLE_SERVER = 2,
};

enum sprite_protocol {
    SPRITE_PROTO_UNKNOWN = 0,
    SPRITE_PROTO_HTTP = 1,
    // Pixie's traffic protocol numbers, so conn_stats.protocol means the same.
    SPRITE_PROTO_HTTP2 = 2,
    SPRITE_PROTO_MYSQL = 3,
    SPRITE_PROTO_PGSQL = 5,
    SPRITE_PROTO_DNS = 6,
    SPRITE_PROTO_REDIS = 7,
    SPRITE_PROTO_KAFKA = 10,
    /// Inference gave up: counted, never shipped.
    SPRITE_PROTO_NONE = 255,
};

enum sprite_direction {
    SPRITE_DIR_EGRESS = 0,
    SPRITE_DIR_INGRESS = 1,
};

/// Identity of one connection: reused fds get a new generation, so conversations never mix.
struct sprite_conn_id {
    __u32 tgid;
    __u32 fd;
    __u64 generation;
    /// Process start time, ns since boot (task->group_leader->start_boottime).
    __u64 proc_start_ns;
};

/// Common header of every ring-buffer event.
struct sprite_event_header {
    __u32 kind;
    __u32 cpu;
    /// bpf_ktime_get_ns() (CLOCK_MONOTONIC) when the event happened.
    __u64 timestamp_ns;
    struct sprite_conn_id conn;
};

/// A TCP connection was established by connect (client) or accept (server).
struct sprite_open_event {
    struct sprite_event_header hdr;
    __u16 family;
    __u16 role;
    __u16 remote_port;  // host byte order
    __u16 local_port;   // host byte order
    __u8 remote_addr[16];  // IPv4 in the first 4 bytes
    __u8 local_addr[16];
    /// The process's name (its main thread's comm), so rows of processes that exit before
    /// user space reads /proc still name them.
    char comm[16];
};

/// Bytes read or written on a traced connection; `captured` payload bytes follow this header.
struct sprite_data_header {
    struct sprite_event_header hdr;
    /// Byte offset of the first byte in this direction of the connection.
    __u64 position;
    /// Bytes the syscall transferred (may exceed `captured`: the rest is a gap).
    __u32 length;
    __u32 captured;
    __u16 direction;
    __u16 role;
    __u16 protocol;
    __u16 syscall;
};

#ifdef __bpf__
/// The data event as the BPF side builds it (user space reads the header and the bytes after it).
struct sprite_data_event {
    struct sprite_data_header d;
    __u8 data[SPRITE_MAX_CAPTURE];
};

/// Staging area of the socket tracer: twice the largest capture, so gathering iovecs at an offset
/// below SPRITE_MAX_CAPTURE with a length of at most SPRITE_MAX_CAPTURE stays inside it (what the
/// verifier can check). Only the header and the `captured` bytes are sent.
struct sprite_gather_event {
    struct sprite_data_header d;
    __u8 data[2 * SPRITE_MAX_CAPTURE];
};
#endif

/// One UDP datagram (a whole message) on a traced socket: the data header (its `position` is
/// meaningless for datagrams) plus the peer the datagram came from or went to (the msghdr or
/// sockaddr argument, else the connected socket's peer) and the socket's local endpoint;
/// `captured` payload bytes follow.
struct sprite_datagram_header {
    struct sprite_data_header d;
    __u16 family;
    __u16 remote_port;  // host byte order
    __u16 local_port;   // host byte order
    __u16 pad;
    __u8 remote_addr[16];  // IPv4 in the first 4 bytes
    __u8 local_addr[16];
    /// The process's name (as in the open event): UDP sockets have no open event, and resolver
    /// clients (dig, getent) are short-lived.
    char comm[16];
};

#ifdef __bpf__
/// The datagram event as the BPF side builds it (in the same per-CPU staging slot).
struct sprite_gather_datagram {
    struct sprite_datagram_header h;
    __u8 data[SPRITE_MAX_CAPTURE];
};
#endif

/// A traced connection was closed.
struct sprite_close_event {
    struct sprite_event_header hdr;
    __u64 bytes_sent;
    __u64 bytes_recv;
    __u16 role;
    __u16 protocol;
    __u32 pad;
};

/// Per-connection state kept in the `conn_info` map (read by user space for conn_stats).
struct sprite_conn_info {
    struct sprite_conn_id id;
    __u64 bytes_sent;
    __u64 bytes_recv;
    __u16 family;
    __u16 role;
    __u16 protocol;
    __u16 infer_attempts;
    __u16 remote_port;
    __u16 local_port;
    /// 1 once the connection is known to carry TLS (a handshake record at the syscall layer, or an
    /// SSL call on it): its syscall bytes are ciphertext and never parsed.
    __u16 tls;
    /// IPPROTO_TCP (6) or IPPROTO_UDP (17).
    __u16 transport;
    __u8 remote_addr[16];
    __u8 local_addr[16];
};

/// A protocol user space found for a connection the kernel could not classify (`protocol_override`
/// map, keyed by tgid << 32 | fd): applied at the connection's next transfer when the generation
/// matches, then deleted.
struct sprite_protocol_override {
    __u64 generation;
    __u16 protocol;
    __u16 pad[3];
};

/// Payload bytes shipped per transfer of a connection the kernel could not classify yet (its first
/// transfers go to user space, which may classify it from more than 16 bytes).
#define SPRITE_UNKNOWN_CAPTURE 512

/// Indices into the per-CPU `counters` array.
enum sprite_counter {
    SPRITE_COUNTER_RINGBUF_DROPS = 0,
    SPRITE_COUNTER_DATA_EVENTS = 1,
    SPRITE_COUNTER_CONN_TABLE_FULL = 2,
    /// TLS calls whose connection could not be determined (no syscall underneath, no fd remembered).
    SPRITE_COUNTER_TLS_NO_FD = 3,
    SPRITE_COUNTER_MAX = 4,
};

#endif

// What both BPF objects share: the configuration user space sets before load, the maps the TLS
// tracer reuses from the socket tracer (user space creates them once, in the socket tracer, and
// hands the same fds to the TLS tracer before it is loaded), the counters and the ring-buffer
// notification policy. Included once by each *.bpf.c, after sprite_bpf.h.
#ifndef SPRITE_MAPS_H
#define SPRITE_MAPS_H

/// Set by user space before load.
const volatile struct sprite_config sprite_config SEC(".rodata.config") = {
    .self_tgid = 0,
    .capture_limit = SPRITE_DEFAULT_CAPTURE,
    .wakeup_bytes = 0,
};

/// Every event of both tracers, in one ring.
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} events SEC(".maps");

/// Traced sockets by (tgid << 32 | fd).
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);  // tgid << 32 | fd
    __type(value, struct sprite_conn_info);
} conn_info SEC(".maps");

/// SPRITE_COUNTER_* per CPU (drops, events, ...), summed by user space.
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SPRITE_COUNTER_MAX);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which) {
    __u64 *v = bpf_map_lookup_elem(&counters, &which);
    if (v) *v += 1;
}

/// Ring-buffer notification policy: user space polls the ring on a short timer, so events are
/// committed without waking it (a wakeup per event costs a context switch per event), unless
/// `wakeup_bytes` of data are waiting, when the consumer is woken at once so the ring never fills
/// between two polls. `wakeup_bytes == 0` wakes on every event (the kernel's adaptive default).
static __always_inline __u64 wakeup_flags(void) {
    __u64 threshold = sprite_config.wakeup_bytes;
    if (threshold == 0) return 0;
    return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= threshold ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

#endif

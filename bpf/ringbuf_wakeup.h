// Ring-buffer notification policy shared by the BPF objects that write the `events` ring buffer
// (each declares `events` and `sprite_config` before including this file).
#ifndef SPRITE_RINGBUF_WAKEUP_H
#define SPRITE_RINGBUF_WAKEUP_H

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

#if canImport(Glibc)
import Glibc
#endif

/// Converts `bpf_ktime_get_ns()` (CLOCK_MONOTONIC) to wall-clock nanoseconds with an offset
/// measured once at start.
struct Clocks: Sendable {
    /// realtime − monotonic, in ns.
    let offset: Int64

    init() {
        var best = Int64.max
        var chosen: Int64 = 0
        for _ in 0..<5 {
            let m1 = Clocks.monotonic(), r = Clocks.realtime(), m2 = Clocks.monotonic()
            if m2 - m1 < best { best = m2 - m1; chosen = r - (m1 + (m2 - m1) / 2) }
        }
        offset = chosen
    }

    func wallClock(_ monotonicNs: UInt64) -> Int64 { Int64(monotonicNs) &+ offset }

    static func monotonic() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func realtime() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

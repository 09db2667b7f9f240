import SpriteStore

/// Reads `/proc/<pid>/stat` and `/proc/<pid>/io` into `process_stats` rows.
enum ProcessStatsSampler {
    /// Appends a row for `pid` if the process still exists and is the same process (start time).
    /// Returns false when it is gone.
    static func appendRow(pid: UInt32, upid: UPID, time: Int64, to b: inout RecordBatchBuilder) -> Bool {
        guard let f = ProcFS.statFields(pid: pid), f.count > 21 else { return false }
        // f[i] is field i + 3 of proc(5).
        func field(_ n: Int) -> Int64 { Int64(f[n - 3]) ?? 0 }
        guard UInt64(field(22)) == upid.startTimeTicks else { return false }
        let nsPerTick = 1_000_000_000 / max(1, ProcFS.ticksPerSecond)
        var io: [Substring: Int64] = [:]
        if let text = ProcFS.read("/proc/\(pid)/io") {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { io[parts[0]] = Int64(parts[1].trimmingPrefixSpaces()) ?? 0 }
            }
        }
        b.append(time, to: 0)
        b.append(upid.value, to: 1)
        b.append(field(12), to: 2)   // majflt
        b.append(field(10), to: 3)   // minflt
        b.append(field(14) * nsPerTick, to: 4)  // utime
        b.append(field(15) * nsPerTick, to: 5)  // stime
        b.append(field(20), to: 6)   // num_threads
        b.append(field(23), to: 7)   // vsize
        b.append(field(24) * ProcFS.pageSize, to: 8)  // rss pages
        b.append(io["rchar"] ?? 0, to: 9)
        b.append(io["wchar"] ?? 0, to: 10)
        b.append(io["read_bytes"] ?? 0, to: 11)
        b.append(io["write_bytes"] ?? 0, to: 12)
        b.finishRow()
        return true
    }
}

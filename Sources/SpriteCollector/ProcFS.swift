#if canImport(Glibc)
import Glibc
#endif

/// Small readers for /proc files (no Foundation).
enum ProcFS {
    /// The whole file as text, or nil if it cannot be read.
    static func read(_ path: String, limit: Int = 1 << 16) -> String? {
        readBytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole file's bytes (at most about `limit`), or nil if it cannot be opened.
    static func readBytes(_ path: String, limit: Int = 1 << 16) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        out.reserveCapacity(16 << 10)
        while out.count < limit {
            let before = out.count
            // Reads straight into the array's spare capacity (no chunk copy).
            out.append(contentsOf: repeatElement(0, count: 16 << 10))
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + before, 16 << 10) }
            out.removeLast((16 << 10) - max(0, n))
            if n <= 0 { break }
        }
        return out
    }

    /// Clock ticks per second (`_SC_CLK_TCK`, normally 100).
    static let ticksPerSecond: Int64 = Int64(sysconf(Int32(_SC_CLK_TCK)))

    /// Page size in bytes.
    static let pageSize: Int64 = Int64(sysconf(Int32(_SC_PAGESIZE)))

    /// The fields of /proc/<pid>/stat after the command name: index 0 is field 3 (state).
    static func statFields(pid: UInt32) -> [Substring]? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// Process start time in clock ticks since boot (field 22 of /proc/<pid>/stat).
    static func startTimeTicks(pid: UInt32) -> UInt64? {
        guard let f = statFields(pid: pid), f.count > 19 else { return nil }
        return UInt64(f[19])
    }
}

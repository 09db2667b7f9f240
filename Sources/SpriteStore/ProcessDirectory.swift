#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What a node knows of the processes behind its rows: executable name, command line and
/// container id, per UPID, kept after the process exits.
///
/// Rows outlive processes: a `curl` that lived 5 ms leaves `http_events` rows for 24 hours, and
/// `df.ctx['service']` on them must still say `curl`. The collector records each process the
/// first time it sees it (the name comes from the kernel with the connection's open event, so
/// it is known even when the process is gone before user space looks), and reads the command
/// line and cgroup from `/proc` while the process still runs. Lookups of processes never
/// recorded read `/proc` too, checking the start time so that a reused pid never lends its
/// metadata to an older process.
///
/// Bounded: at most about `capacity` records (two generations of `capacity / 2`; the older
/// generation is dropped when the newer one fills, and a record found there moves to the newer).
public final class ProcessDirectory: Sendable {
    /// What is known of one process.
    public struct Record: Sendable, Hashable {
        /// The executable's name (`/proc/<pid>/comm`, at most 15 bytes).
        public var executable: String
        /// The command line, arguments separated by spaces; empty when the process was gone
        /// before it could be read.
        public var cmdline: String
        /// The 64-hex-digit container id from the cgroup path, or empty.
        public var containerID: String

        public init(executable: String, cmdline: String = "", containerID: String = "") {
            self.executable = executable
            self.cmdline = cmdline
            self.containerID = containerID
        }
    }

    /// The node's directory: the collector writes it, `ctx` lookups read it.
    public static let shared = ProcessDirectory()

    private struct Generations {
        var current: [UInt128: Record] = [:]
        var previous: [UInt128: Record] = [:]
    }

    private let generations = Mutex(Generations())
    private let half: Int
    private let procRoot: String

    /// A directory holding about `capacity` processes, reading `procRoot` for details.
    public init(capacity: Int = 131_072, procRoot: String = "/proc") {
        self.half = max(1, capacity / 2)
        self.procRoot = procRoot
    }

    /// Records a process the collector just saw, named `executable` by the kernel. Reads its
    /// command line and cgroup from `/proc` if it still runs (once per process: later calls for
    /// a recorded UPID return at once).
    public func record(_ upid: UPID, executable: String) {
        if lookupRecorded(upid.value) != nil { return }
        var r = readProc(upid) ?? Record(executable: executable)
        if r.executable.isEmpty { r.executable = executable }
        insert(upid.value, r)
    }

    /// The record of `upid`: recorded earlier, or read from `/proc` now if the same process
    /// still runs there (and then recorded); nil when neither knows it.
    public func lookup(_ upid: UPID) -> Record? {
        if let r = lookupRecorded(upid.value) { return r }
        guard let r = readProc(upid) else { return nil }
        insert(upid.value, r)
        return r
    }

    /// Number of records held.
    public var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private func lookupRecorded(_ key: UInt128) -> Record? {
        generations.withLock { g in
            if let r = g.current[key] { return r }
            guard let r = g.previous.removeValue(forKey: key) else { return nil }
            Self.insert(key, r, into: &g, half: half)
            return r
        }
    }

    private func insert(_ key: UInt128, _ r: Record) {
        generations.withLock { Self.insert(key, r, into: &$0, half: half) }
    }

    private static func insert(_ key: UInt128, _ r: Record, into g: inout Generations, half: Int) {
        if g.current.count >= half {
            g.previous = g.current
            g.current = [:]
        }
        g.current[key] = r
    }

    // MARK: - /proc

    /// The process's record from `/proc`, or nil when no process with that pid and start time runs.
    func readProc(_ upid: UPID) -> Record? {
        let dir = "\(procRoot)/\(upid.pid)"
        guard let stat = Self.readFile("\(dir)/stat"), Self.startTicks(stat: stat) == upid.startTimeTicks else { return nil }
        var cmd = (Self.readFile("\(dir)/cmdline") ?? []).map { $0 == 0 ? UInt8(ascii: " ") : $0 }
        while cmd.last == UInt8(ascii: " ") { cmd.removeLast() }
        var comm = Self.readFile("\(dir)/comm") ?? []
        while comm.last == 10 { comm.removeLast() }
        let cgroup = Self.readFile("\(dir)/cgroup") ?? []
        return Record(executable: String(decoding: comm, as: UTF8.self), cmdline: String(decoding: cmd, as: UTF8.self),
                      containerID: Self.containerID(fromCgroup: cgroup))
    }

    /// Field 22 (start time in clock ticks) of a `/proc/<pid>/stat` text: counted after the
    /// command name's closing parenthesis, since the name may hold spaces.
    static func startTicks(stat: [UInt8]) -> UInt64? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }

    /// The 64-hex-digit container id in a cgroup file's paths, or empty.
    public static func containerID(fromCgroup bytes: [UInt8]) -> String {
        var run = 0
        for (i, b) in bytes.enumerated() {
            run = isHex(b) ? run + 1 : 0
            if run == 64 && (i + 1 == bytes.count || !isHex(bytes[i + 1])) {
                return String(decoding: bytes[(i - 63)...i], as: UTF8.self)
            }
        }
        return ""
    }

    private static func isHex(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 102) }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < 1 << 20 {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

extension ProcessDirectory: Hashable {
    /// Directories are equal when they are the same object.
    public static func == (a: ProcessDirectory, b: ProcessDirectory) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

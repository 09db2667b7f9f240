#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SpriteStore

/// Reads process metadata from `/proc/<pid>/cmdline`, `comm` and `cgroup`, and the host name.
///
/// Fallbacks: `service` = the executable's name; `pod` = the container id when the cgroup path has
/// one, else `<executable>-<pid>`; `namespace` and `node` = the host name. A process that has
/// exited (or never ran here) has an empty command line and executable `pid-<pid>`. Results are
/// cached per UPID.
public final class ProcMetadataProvider: MetadataProvider {
    /// One provider for the whole process, reading the real `/proc`.
    public static let shared = ProcMetadataProvider()

    private let procRoot: String
    private let cache = Mutex<[UInt128: ProcessMetadata]>([:])
    private let host: String

    /// A provider reading `procRoot` (tests point it at a fixture directory).
    public init(procRoot: String = "/proc", hostname: String? = nil) {
        self.procRoot = procRoot
        self.host = hostname ?? Self.systemHostname()
    }

    public func metadata(forUPID upid: UInt128) -> ProcessMetadata {
        if let m = cache.withLock({ $0[upid] }) { return m }
        let pid = UPID(upid).pid
        let m = read(pid: pid)
        cache.withLock { $0[upid] = m }
        return m
    }

    private func read(pid: UInt32) -> ProcessMetadata {
        let dir = "\(procRoot)/\(pid)"
        let cmdBytes = Self.readFile("\(dir)/cmdline") ?? []
        var cmd = cmdBytes.map { $0 == 0 ? UInt8(ascii: " ") : $0 }
        while cmd.last == UInt8(ascii: " ") { cmd.removeLast() }
        let cmdline = String(decoding: cmd, as: UTF8.self)
        var exe = Self.readFile("\(dir)/comm").map { String(decoding: $0, as: UTF8.self) } ?? ""
        while exe.last == "\n" { exe.removeLast() }
        if exe.isEmpty { exe = "pid-\(pid)" }
        let cgroup = Self.readFile("\(dir)/cgroup").map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ProcessMetadata(pid: pid, cmdline: cmdline, executable: exe, hostname: host,
                               containerID: Self.containerID(fromCgroup: cgroup))
    }

    /// The 64-hex-digit container id in a cgroup file's paths, or empty.
    static func containerID(fromCgroup text: String) -> String {
        let bytes = Array(text.utf8)
        var run = 0
        for (i, b) in bytes.enumerated() {
            let hex = (b >= 48 && b <= 57) || (b >= 97 && b <= 102)
            run = hex ? run + 1 : 0
            if run == 64 && (i + 1 == bytes.count || !Self.isHex(bytes[i + 1])) {
                return String(decoding: bytes[(i - 63)...i], as: UTF8.self)
            }
        }
        return ""
    }

    private static func isHex(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 102) }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 1 << 20 { break }
        }
        return out
    }

    static func systemHostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

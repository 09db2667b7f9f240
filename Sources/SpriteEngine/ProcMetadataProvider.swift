#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Process metadata from the node's ``ProcessDirectory`` (what the collector recorded while the
/// process ran, so processes that already exited keep their names) or from `/proc`, and the host
/// name.
///
/// Fallbacks: `service` = the executable's name; `pod` = the container id when the cgroup path has
/// one, else `<executable>-<pid>`; `namespace` and `node` = the host name. A process neither knows
/// (never seen by this node's collector and not running, or its pid now belongs to a process with
/// another start time) has an empty command line and executable `pid-<pid>`.
public final class ProcMetadataProvider: MetadataProvider {
    /// One provider for the whole process, over ``ProcessDirectory/shared``.
    public static let shared = ProcMetadataProvider()

    private let directory: ProcessDirectory
    private let host: String

    /// A provider over `directory`, naming the node `hostname` (default: the system's).
    public init(directory: ProcessDirectory = .shared, hostname: String? = nil) {
        self.directory = directory
        self.host = hostname ?? Self.systemHostname()
    }

    public func metadata(forUPID upid: UInt128) -> ProcessMetadata {
        let id = UPID(upid)
        let r = directory.lookup(id) ?? ProcessDirectory.Record(executable: "pid-\(id.pid)")
        return ProcessMetadata(pid: id.pid, cmdline: r.cmdline, executable: r.executable.isEmpty ? "pid-\(id.pid)" : r.executable,
                               hostname: host, containerID: r.containerID)
    }

    /// The 64-hex-digit container id in a cgroup file's paths, or empty.
    static func containerID(fromCgroup text: String) -> String {
        ProcessDirectory.containerID(fromCgroup: Array(text.utf8))
    }

    static func systemHostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

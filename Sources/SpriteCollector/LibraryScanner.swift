#if canImport(Glibc)
import Glibc
#endif

/// Finds the files a process maps that may contain a TLS library: shared objects named like
/// OpenSSL's libssl, and the main executable (which may link OpenSSL statically).
enum LibraryScanner {
    /// One mapped file, identified by device and inode (the same file seen through different
    /// paths or mount namespaces is one file, probed once).
    struct MappedFile: Sendable, Hashable {
        /// Identity of the file: `major:minor` of its device and its inode, as /proc/<pid>/maps shows them.
        var id: FileID
        /// The path inside the process's mount namespace.
        var path: String
        /// Whether it is the process's executable rather than a shared library.
        var isExecutable: Bool
    }

    struct FileID: Sendable, Hashable, CustomStringConvertible {
        var device: String
        var inode: UInt64
        var description: String { "\(device):\(inode)" }
    }

    /// Whether a mapped path looks like OpenSSL's libssl (`libssl.so.3`, `libssl.so.1.1`, ...).
    static func isLibSSL(_ path: String) -> Bool {
        guard let slash = path.lastIndex(of: "/") else { return path.hasPrefix("libssl.so") }
        return path[path.index(after: slash)...].hasPrefix("libssl.so")
    }

    /// The path through which the collector reaches `path` of process `pid`, in whatever mount
    /// namespace (container) the process lives.
    static func hostPath(pid: UInt32, path: String) -> String { "/proc/\(pid)/root\(path)" }

    /// The candidate files process `pid` maps, or nil when the process is gone or unreadable.
    static func candidates(pid: UInt32) -> [MappedFile]? {
        guard let maps = ProcFS.read("/proc/\(pid)/maps", limit: 8 << 20) else { return nil }
        let exe = executablePath(pid: pid)
        return candidates(maps: maps, executable: exe)
    }

    /// Candidates in the text of a /proc/<pid>/maps file (`executable`: the target of /proc/<pid>/exe).
    static func candidates(maps: String, executable: String?) -> [MappedFile] {
        var out: [MappedFile] = []
        var seen = Set<FileID>()
        for line in maps.split(separator: "\n") {
            // address perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, let inode = UInt64(fields[4]), inode != 0 else { continue }
            let path = String(fields[5].trimmingPrefixSpaces())
            guard path.hasPrefix("/"), !path.hasSuffix(" (deleted)") else { continue }
            let isExe = path == executable
            guard isExe || isLibSSL(path) else { continue }
            let id = FileID(device: String(fields[3]), inode: inode)
            if seen.insert(id).inserted { out.append(MappedFile(id: id, path: path, isExecutable: isExe)) }
        }
        return out
    }

    /// The target of /proc/<pid>/exe (a path in the process's mount namespace).
    static func executablePath(pid: UInt32) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/\(pid)/exe", &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Every process id in /proc.
    static func allProcesses() -> [UInt32] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var out: [UInt32] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if let pid = UInt32(name) { out.append(pid) }
        }
        return out
    }
}

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
    ///
    /// Cheap enough to run for every process on every rescan: the maps text is searched as bytes
    /// for `libssl.so` (no line splitting or string per line), and the executable is identified
    /// by `stat` of /proc/<pid>/exe rather than by finding its lines.
    static func candidates(pid: UInt32) -> [MappedFile]? {
        guard let maps = ProcFS.readBytes("/proc/\(pid)/maps", limit: 8 << 20) else { return nil }
        var out: [MappedFile] = []
        if let exe = executable(pid: pid) { out.append(exe) }
        for lib in libraries(maps: maps) where !out.contains(where: { $0.id == lib.id }) { out.append(lib) }
        return out
    }

    /// The libssl files named in a maps text, each once.
    static func libraries(maps: [UInt8]) -> [MappedFile] {
        var out: [MappedFile] = []
        var start = 0
        let needle = Array("/libssl.so".utf8)
        maps.withUnsafeBufferPointer { m in
            while let hit = find(needle, in: m, from: start) {
                // The line around the hit.
                var lineStart = hit
                while lineStart > 0 && m[lineStart - 1] != 10 { lineStart -= 1 }
                var lineEnd = hit
                while lineEnd < m.count && m[lineEnd] != 10 { lineEnd += 1 }
                start = lineEnd
                let line = Array(m[lineStart..<lineEnd])
                forEachMapping(line, where: isLibSSL) { id, path in
                    if !out.contains(where: { $0.id == id }) { out.append(MappedFile(id: id, path: path, isExecutable: false)) }
                }
            }
        }
        return out
    }

    /// The executable of process `pid`, identified by device and inode of the file behind
    /// /proc/<pid>/exe (in the maps format, so the same file found in maps is the same id).
    static func executable(pid: UInt32) -> MappedFile? {
        var st = stat()
        guard stat("/proc/\(pid)/exe", &st) == 0, let path = executablePath(pid: pid) else { return nil }
        let dev = UInt64(st.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        return MappedFile(id: FileID(device: "\(hex2(major)):\(hex2(minor))", inode: UInt64(st.st_ino)), path: path, isExecutable: true)
    }

    private static func hex2(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return s.count < 2 ? "0" + s : s
    }

    /// Calls `body` for each line of `maps` (`address perms offset dev inode path`) with a
    /// nonzero inode and an absolute, not deleted path that `accept` takes.
    private static func forEachMapping(_ maps: [UInt8], where accept: (String) -> Bool, _ body: (FileID, String) -> Void) {
        for line in maps.split(separator: 10) {
            let fields = line.split(separator: 32, maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            guard let inode = UInt64(String(decoding: fields[4], as: UTF8.self)), inode != 0 else { continue }
            let path = String(decoding: fields[5].drop(while: { $0 == 32 }), as: UTF8.self)
            guard path.hasPrefix("/"), !path.hasSuffix(" (deleted)"), accept(path) else { continue }
            body(FileID(device: String(decoding: fields[3], as: UTF8.self), inode: inode), path)
        }
    }

    /// The index of the first occurrence of `needle` in `hay` at or after `from`.
    private static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, hay.count >= needle.count else { return nil }
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            guard let base = hay.baseAddress, let p = memchr(base + i, Int32(first), last - i + 1) else { return nil }
            i = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            var k = 1
            while k < needle.count && hay[i + k] == needle[k] { k += 1 }
            if k == needle.count { return i }
            i += 1
        }
        return nil
    }

    /// The target of /proc/<pid>/exe (a path in the process's mount namespace).
    static func executablePath(pid: UInt32) -> String? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { readlink("/proc/\(pid)/exe", $0.baseAddress!.assumingMemoryBound(to: CChar.self), 4095) }
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
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

import CLibbpf
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Collects libbpf's diagnostics (verifier output included) so errors can quote them.
enum LibbpfLog {
    private static let lines = Mutex<[String]>([])

    /// Routes libbpf's printing here (idempotent).
    static func install() {
        libbpf_set_print { level, format, args in
            guard let format else { return 0 }
            var buffer = [CChar](repeating: 0, count: 1024)
            let n = vsnprintf(&buffer, buffer.count, format, args!)
            guard n > 0 else { return 0 }
            let text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            LibbpfLog.lines.withLock { l in
                l.append(text)
                if l.count > 200 { l.removeFirst(l.count - 200) }
            }
            return 0
        }
    }

    /// The last `count` lines libbpf printed, joined.
    static func tail(_ count: Int = 12) -> String {
        lines.withLock { $0.suffix(count).joined().trimmingCharacters() }
    }

    static func clear() { lines.withLock { $0.removeAll() } }
}

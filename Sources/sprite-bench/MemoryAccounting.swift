#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Compares the bytes a table reports with the memory the process holds for it (resident set
/// size, after returning free heap pages to the kernel), hot and after compaction, in a process of
/// its own so that nothing else allocates meanwhile.
struct MemoryAccounting {
    typealias MallocTrim = @convention(c) (Int) -> Int32

    static func inUse() -> Int {
        // glibc's malloc_trim is not in the Glibc module map; find it at run time.
        if let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(sym, to: MallocTrim.self)(0)
        }
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        _ = withUnsafeMutablePointer(to: &size) { s in
            withUnsafeMutablePointer(to: &resident) { r in
                withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
            }
        }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func run() throws -> [String: Double] {
        let schema = Schema(name: "m", fields: [
            Field("time_", .time64ns), Field("i", .int64), Field("u", .uint128), Field("f", .float64),
            Field("b", .boolean), Field("s", .string),
        ])
        var table: Table? = Table(schema: schema, policy: RetentionPolicy(window: nil, byteBudget: 1 << 40), clock: .manual(startingAt: 0))
        let before = Self.inUse()
        for k in 0..<100 {
            var b = RecordBatchBuilder(schema: schema, capacity: 20_000)
            for r in 0..<20_000 {
                b.append(Int64(k) * 100_000_000 + Int64(r) * 1_000, to: 0)
                b.append(Int64(r % 1_000), to: 1)
                b.append(UInt128(r % 24), to: 2)
                b.append(Double(r), to: 3)
                b.append(r % 2 == 0, to: 4)
                b.append("path-\(r % 300)", to: 5)
                b.finishRow()
            }
            try table!.append(b.finish())
        }
        let hotMalloc = Self.inUse() - before, hotReported = table!.info.bytes
        table!.compact(force: true)
        let coldMalloc = Self.inUse() - before, coldReported = table!.info.bytes
        table = nil
        let after = Self.inUse() - before
        return ["hot_malloc": Double(hotMalloc), "hot_reported": Double(hotReported),
                "cold_malloc": Double(coldMalloc), "cold_reported": Double(coldReported),
                "after_release": Double(after)]
    }
}

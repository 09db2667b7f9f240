#if canImport(Glibc)
import Glibc
#endif
import Testing
import SpriteStore
@testable import SpriteEngine

/// Times the benchmark queries on a CSV named by `SPRITE_ENGINE_BENCH_CSV` (skipped otherwise);
/// no thresholds, it prints timings. Build with `-c release` for meaningful numbers.
@Suite struct BenchmarkTimingTests {
    static let path = ProcessInfoLite.environment("SPRITE_ENGINE_BENCH_CSV")

    @Test(.enabled(if: path != nil))
    func timeQueries() throws {
        let fd = open(Self.path!, O_RDONLY)
        var st = stat()
        fstat(fd, &st)
        var data = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < data.count {
            let n = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n <= 0 { break }
            got += n
        }
        close(fd)
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 1 << 36, retentionWindow: nil), clock: .manual(startingAt: T0))
        let table = store.table(named: "http_events")!
        try CSVBatchReader(schema: Schemas.httpEvents).read(data) { try table.append($0) }
        data = []
        for cold in [false, true] {
            if cold { table.compact(force: true) }
            let only = ProcessInfoLite.environment("SPRITE_ENGINE_BENCH_QUERY")
            let reps = only == nil ? 5 : 40
            for (name, plan) in [("q1", BenchmarkPlans.q1), ("q2", BenchmarkPlans.q2), ("q3", BenchmarkPlans.q3), ("q4", BenchmarkPlans.q4)]
            where only == nil || only == name {
                var times: [Double] = []
                var rowsOut = 0
                for _ in 0..<reps {
                    let r = try Executor().execute(plan, store: store, now: T0)
                    times.append(Double(r.stats.execNanos) / 1e9)
                    rowsOut = r.tables[0].batch.count
                }
                times.sort()
                print("BENCH \(cold ? "cold" : "hot ") \(name): median \(times[reps / 2]) s, min \(times[0]) s, rows out \(rowsOut), table rows \(table.info.rows)")
            }
        }
    }
}

enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}

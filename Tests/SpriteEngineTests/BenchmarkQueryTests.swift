import Testing
import SpriteStore
@testable import SpriteEngine

/// The four benchmark queries on a small deterministic dataset, checked against plain loops.
@Suite struct BenchmarkQueryTests {
    static let data = httpRows(30_000)

    func close(_ a: Double, _ b: Double, _ rel: Double = 1e-9) -> Bool { abs(a - b) <= rel * max(1, abs(b)) }

    @Test(arguments: [false, true])
    func q1ServiceStats(cold: Bool) throws {
        let out = try Executor().execute(BenchmarkPlans.q1, store: httpStore(Self.data, cold: cold), now: T0).tables[0].batch
        #expect(names(out) == ["upid", "requests", "error_rate", "lat_mean", "bytes_out", "p50", "p99"])
        #expect(out.schema.fields[3].semanticType == .durationNanos)
        #expect(out.schema.fields[5].semanticType == .durationNanos)
        let groups = Dictionary(grouping: Self.data, by: \.upid)
        #expect(out.count == groups.count)
        for row in rows(out) {
            guard case .uint128(let u) = row[0], let g = groups[u], case .int64(let n) = row[1], case .float64(let er) = row[2],
                  case .float64(let lm) = row[3], case .int64(let bytes) = row[4], case .float64(let p50) = row[5], case .float64(let p99) = row[6]
            else { Issue.record("bad row \(row)"); continue }
            #expect(n == Int64(g.count))
            #expect(close(er, Double(g.filter { $0.status >= 400 }.count) / Double(g.count)))
            #expect(close(lm, Double(g.reduce(0) { $0 + $1.latency }) / Double(g.count)))
            #expect(bytes == g.reduce(0) { $0 + $1.respSize })
            let sorted = g.map(\.latency).sorted()
            let e50 = Double(sorted[Int(0.5 * Double(sorted.count - 1))]), e99 = Double(sorted[Int(0.99 * Double(sorted.count - 1))])
            #expect(abs(p50 - e50) <= 0.0101 * e50)
            #expect(abs(p99 - e99) <= 0.0101 * e99)
        }
    }

    @Test(arguments: [false, true])
    func q2FilteredErrors(cold: Bool) throws {
        let out = try Executor().execute(BenchmarkPlans.q2, store: httpStore(Self.data, cold: cold), now: T0).tables[0].batch
        let groups = Dictionary(grouping: Self.data.filter { $0.path.contains("/orders/") && $0.status >= 500 }, by: \.path)
        let want = groups.map { [Value.string($0.key), .int64(Int64($0.value.count)), .int64($0.value.map(\.latency).max()!)] }
        #expect(sortedRows(out) == want.sorted { "\($0)" < "\($1)" })
    }

    @Test(arguments: [false, true])
    func q3TimeBins(cold: Bool) throws {
        let out = try Executor().execute(BenchmarkPlans.q3, store: httpStore(Self.data, cold: cold), now: T0).tables[0].batch
        #expect(out.schema.fields.map(\.type) == [.time64ns, .string, .int64, .float64])
        let groups = Dictionary(grouping: Self.data) { "\($0.time - $0.time % 10_000_000_000)|\($0.method)" }
        #expect(out.count == groups.count)
        for row in rows(out) {
            guard case .time64ns(let t) = row[0], case .string(let m) = row[1], case .int64(let n) = row[2], case .float64(let lat) = row[3],
                  let g = groups["\(t)|\(m)"] else { Issue.record("bad row \(row)"); continue }
            #expect(n == Int64(g.count))
            #expect(close(lat, Double(g.reduce(0) { $0 + $1.latency }) / Double(g.count)))
        }
    }

    @Test(arguments: [false, true])
    func q4Join(cold: Bool) throws {
        let out = try Executor().execute(BenchmarkPlans.q4, store: httpStore(Self.data, cold: cold), now: T0).tables[0].batch
        #expect(names(out) == ["req_path", "n", "lat", "req_path_e", "errors", "err_rate"])
        let groups = Dictionary(grouping: Self.data, by: \.path)
        #expect(out.count == groups.count)
        for row in rows(out) {
            guard case .string(let p) = row[0], let g = groups[p], case .int64(let n) = row[1], case .float64(let lat) = row[2],
                  case .int64(let errors) = row[4], case .float64(let rate) = row[5] else { Issue.record("bad row \(row)"); continue }
            let e = g.filter { $0.status >= 500 }.count
            #expect(n == Int64(g.count))
            #expect(close(lat, Double(g.reduce(0) { $0 + $1.latency }) / Double(g.count)))
            #expect(errors == Int64(e))
            #expect(close(rate, Double(e) / Double(g.count)))
            #expect(row[3] == (e > 0 ? .string(p) : .string("")))
        }
    }
}

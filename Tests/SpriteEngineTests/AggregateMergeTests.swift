import Testing
import SpriteStore
@testable import SpriteEngine

/// merge(partials) == whole, for every aggregate, through partial and final plans.
@Suite struct AggregateMergeTests {
    let data = eventRows(60)

    func calls(_ column: String, _ fns: [String]) -> [AggregateCall] { fns.map { AggregateCall($0, $0, column) } }

    @Test(arguments: [("latency", ["count", "sum", "mean", "min", "max", "any", "quantiles"]),
                      ("score", ["count", "sum", "mean", "min", "max", "any", "quantiles"]),
                      ("ok", ["count", "sum", "mean", "any"]),
                      ("path", ["count", "any"]),
                      ("time_", ["count", "min", "max", "any"]),
                      ("upid", ["count", "any"])])
    func partialsMergeToWhole(column: String, fns: [String]) throws {
        let aggs = calls(column, fns)
        // Whole, in one go and on one thread.
        let store = makeStore(data)
        let whole = try Executor().execute(.aggregate(.scan("events"), keys: ["path"], aggregates: aggs, mode: .full), store: store,
                                           now: T0, limits: ExecutionLimits(parallelism: 1, morselRows: 1 << 20)).tables[0].batch
        // Three nodes, each with a third of the rows, produce partial states.
        var partials: [RecordBatch] = []
        var schema: Schema?
        for part in 0..<3 {
            let nodeStore = makeStore(data.enumerated().filter { $0.offset % 3 == part }.map(\.element), cold: part == 1)
            let r = try Executor().execute(.aggregate(.scan("events"), keys: ["path"], aggregates: aggs, mode: .partial), store: nodeStore, now: T0)
            partials.append(r.tables[0].batch)
            schema = r.tables[0].batch.schema
        }
        #expect(schema!.fields.dropFirst().allSatisfy { $0.type == .string && PartialStateField.parse($0) != nil })
        let final = try Executor().execute(.aggregate(.input(name: "partials", schema: schema!), keys: ["path"], aggregates: fns.map { AggregateCall($0, $0, $0) }, mode: .final),
                                           inputs: ["partials": partials], now: T0).tables[0].batch
        #expect(final.schema.fields == whole.schema.fields)
        let anyColumns = Set(fns.enumerated().filter { $0.element == "any" }.map { $0.offset + 1 })
        let w = sortedRows(whole), f = sortedRows(final)
        #expect(w.count == f.count)
        for (a, b) in zip(w, f) {
            for k in a.indices where !anyColumns.contains(k) {
                if case .float64(let x) = a[k], case .float64(let y) = b[k] { #expect(abs(x - y) <= 1e-9 * max(1, abs(x))) } else { #expect(a[k] == b[k]) }
            }
        }
        // `any` returns one of the group's values.
        for row in f {
            guard case .string(let p) = row[0] else { continue }
            for k in anyColumns {
                let group = data.filter { $0.path == p }
                let candidates: [Value] = group.map { r in
                    switch column {
                    case "latency": .int64(r.latency)
                    case "score": .float64(r.score)
                    case "ok": .boolean(r.ok)
                    case "path": .string(r.path)
                    case "time_": .time64ns(r.time)
                    default: .uint128(r.upid)
                    }
                }
                #expect(candidates.contains(row[k]))
            }
        }
    }

    @Test func sketchMergeIsExactAndWithinBound() {
        var whole = DDSketch(), a = DDSketch(), b = DDSketch()
        var values: [Double] = []
        var seed: UInt64 = 7
        for k in 0..<20_000 {
            seed = seed &* 6364136223846793005 &+ 1
            let v = Double(seed >> 40) + 1
            values.append(v)
            whole.add(v)
            if k % 2 == 0 { a.add(v) } else { b.add(v) }
        }
        a.merge(b)
        #expect(a == whole)
        values.sort()
        for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
            let exact = values[Int(q * Double(values.count - 1))]
            let est = whole.quantile(q)
            #expect(abs(est - exact) <= 0.0101 * exact, "q=\(q): \(est) vs \(exact)")
        }
        var w = ByteWriter()
        whole.serialize(into: &w)
        let back = w.bytes.withUnsafeBufferPointer { p -> DDSketch? in
            var r = ByteReader(p)
            return try? DDSketch.deserialize(&r)
        }
        #expect(back == whole)
    }

    @Test func quantilesJSONShape() throws {
        let out = try eval(.column("x"), [("x", [.int64(1)])])
        #expect(out == [.int64(1)])
        var s = DDSketch()
        for v in 1...100 { s.add(Double(v)) }
        let json = QuantilesState.json(s)
        #expect(json.hasPrefix("{\"p01\":"))
        for key in ["p01", "p10", "p25", "p50", "p75", "p90", "p99"] { #expect(json.contains("\"\(key)\":")) }
        let p50 = try eval(.call("pluck_float64", [.column("q"), "p50"]), [("q", [.string(json)])])
        guard case .float64(let v) = p50[0] else { Issue.record("type"); return }
        #expect(abs(v - 50) <= 0.51)
    }
}

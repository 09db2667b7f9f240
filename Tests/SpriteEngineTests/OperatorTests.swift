import Testing
import SpriteStore
@testable import SpriteEngine

@Suite struct OperatorTests {
    let data = eventRows(40)

    @Test(arguments: [false, true])
    func scanFilterMap(cold: Bool) throws {
        let store = makeStore(data, cold: cold)
        let plan = LogicalPlan.map(
            .filter(.scan("events"), .call("logicalAnd", [.call("contains", [.column("path"), "orders"]), .call("greaterThanEqual", [.column("status"), 500])])),
            [NamedExpr("path", .column("path")), NamedExpr("status", .column("status")),
             NamedExpr("double", .call("multiply", [.column("latency"), 2])), NamedExpr("k", 7)])
        let out = try run(plan, store)
        let expected = data.filter { $0.path.contains("orders") && $0.status >= 500 }
            .map { [Value.string($0.path), .int64($0.status), .int64($0.latency * 2), .int64(7)] }
        #expect(names(out) == ["path", "status", "double", "k"])
        #expect(rows(out) == expected)
        #expect(out.schema.fields[1].semanticType == .httpResponseStatus)
    }

    @Test(arguments: [false, true])
    func timeRangeAndLimit(cold: Bool) throws {
        let store = makeStore(data, cold: cold)
        let plan = LogicalPlan.limit(.scan(table: "events", columns: ["time_", "latency"], start: T0 + 10_000_000_000, end: T0 + 20_000_000_000), 5)
        let out = try run(plan, store)
        #expect(rows(out) == data[10..<15].map { [.time64ns($0.time), .int64($0.latency)] })
        let all = try run(.scan(table: "events", columns: ["time_"], start: T0 + 10_000_000_000, end: T0 + 20_000_000_000), store)
        #expect(all.count == 11)
    }

    @Test func unionMatchesColumnsByName() throws {
        let store = makeStore(data)
        let a = LogicalPlan.map(.scan("events"), [NamedExpr("x", .column("status")), NamedExpr("y", .column("path"))])
        let b = LogicalPlan.map(.scan("events"), [NamedExpr("y", .column("path")), NamedExpr("x", .column("latency"))])
        let out = try run(.union([a, b]), store)
        #expect(names(out) == ["x", "y"])
        #expect(out.count == 80)
        #expect(sortedRows(out) == (data.map { [Value.int64($0.status), .string($0.path)] } + data.map { [.int64($0.latency), .string($0.path)] }).sorted { "\($0)" < "\($1)" })
    }

    @Test(arguments: [false, true])
    func groupByEveryKeyType(cold: Bool) throws {
        let store = makeStore(data, cold: cold)
        let plan = LogicalPlan.aggregate(.scan("events"), keys: ["upid", "path", "ok"], aggregates: [
            AggregateCall("n", "count", "latency"), AggregateCall("total", "sum", "latency"),
            AggregateCall("worst", "max", "latency"), AggregateCall("best", "min", "score"),
            AggregateCall("avg", "mean", "score"),
        ], mode: .full)
        let out = try run(plan, store)
        #expect(out.schema.fields.map(\.type) == [.uint128, .string, .boolean, .int64, .int64, .int64, .float64, .float64])
        #expect(out.schema.fields[5].semanticType == .durationNanos)
        var expected: [[Value]] = []
        let groups = Dictionary(grouping: data) { "\($0.upid)|\($0.path)|\($0.ok)" }
        for (_, g) in groups {
            let f = g[0]
            expected.append([.uint128(f.upid), .string(f.path), .boolean(f.ok), .int64(Int64(g.count)),
                             .int64(g.reduce(0) { $0 + $1.latency }), .int64(g.map(\.latency).max()!),
                             .float64(g.map(\.score).min()!), .float64(g.reduce(0.0) { $0 + $1.score } / Double(g.count))])
        }
        let got = sortedRows(out), want = expected.sorted { "\($0)" < "\($1)" }
        #expect(got.count == want.count)
        for (a, b) in zip(got, want) {
            #expect(Array(a[0..<7]) == Array(b[0..<7]))
            if case .float64(let x) = a[7], case .float64(let y) = b[7] { #expect(abs(x - y) < 1e-9) }
        }
    }

    @Test func aggregateWithoutKeysGivesOneRowEvenWhenEmpty() throws {
        let store = makeStore(data)
        let out = try run(.aggregate(.filter(.scan("events"), .call("greaterThan", [.column("status"), 1000])), keys: [],
                                     aggregates: [AggregateCall("n", "count", "latency"), AggregateCall("s", "sum", "latency")], mode: .full), store)
        #expect(rows(out) == [[.int64(0), .int64(0)]])
        let all = try run(.aggregate(.scan("events"), keys: [], aggregates: [AggregateCall("n", "count", "time_")], mode: .full), store)
        #expect(rows(all) == [[.int64(40)]])
    }

    @Test func groupByTimeBinAndString() throws {
        let store = makeStore(data, cold: true)
        let plan = LogicalPlan.aggregate(
            .map(.scan("events"), [NamedExpr("t", .call("bin", [.column("time_"), .call("seconds", [10])])), NamedExpr("path", .column("path"))]),
            keys: ["t", "path"], aggregates: [AggregateCall("n", "count", "path")], mode: .full)
        let out = try run(plan, store)
        var counts: [String: Int64] = [:]
        for r in data { counts["\(r.time - (r.time - T0) % 10_000_000_000)|\(r.path)", default: 0] += 1 }
        #expect(out.count == counts.count)
        for row in rows(out) {
            guard case .time64ns(let t) = row[0], case .string(let p) = row[1], case .int64(let n) = row[2] else { Issue.record("types"); continue }
            #expect(counts["\(t)|\(p)"] == n)
        }
    }

    @Test func sinksAndOutputLimit() throws {
        let store = makeStore(data)
        let r = try Executor().execute([
            .sink(.scan(table: "events", columns: ["status"], start: nil, end: nil), name: "a"),
            .sink(.limit(.scan(table: "events", columns: ["path"], start: nil, end: nil), 3), name: "b"),
        ], store: store, now: T0, limits: ExecutionLimits(maxOutputRowsPerTable: 10))
        #expect(r.tables.map(\.name) == ["a", "b"])
        #expect(r.tables[0].batch.count == 10)
        #expect(r.tables[0].batch.schema.name == "a")
        #expect(r.tables[1].batch.count == 3)
        #expect(r.stats.rowsProcessed == 80)
        #expect(r.stats.bytesProcessed == 40 * 8 + 40 * 4)
    }

    @Test func valuesAndInputs() throws {
        let batch = eventBatch(Array(data.prefix(5)))
        let r = try Executor().execute(.filter(.input(name: "in", schema: eventsSchema), .call("equal", [.column("ok"), true])),
                                       inputs: ["in": [batch, batch]], now: T0)
        #expect(r.tables[0].batch.count == 2 * data.prefix(5).filter(\.ok).count)
        #expect(throws: EngineError.self) { try Executor().execute(.input(name: "missing", schema: eventsSchema), now: T0) }
    }
}

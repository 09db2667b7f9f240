import SpriteStore
@testable import SpriteEngine

let T0: Int64 = 1_767_225_600_000_000_000

/// A small table with every column type.
let eventsSchema = Schema(name: "events", fields: [
    Field("time_", .time64ns), Field("upid", .uint128, .upid), Field("path", .string),
    Field("status", .int64, .httpResponseStatus), Field("latency", .int64, .durationNanos),
    Field("ok", .boolean), Field("score", .float64),
])

struct EventRow {
    var time: Int64, upid: UInt128, path: String, status: Int64, latency: Int64, ok: Bool, score: Double
}

/// Deterministic rows: `n` rows over 3 upids, 5 paths.
func eventRows(_ n: Int) -> [EventRow] {
    let paths = ["/a", "/orders/1", "/orders/2", "/b/orders/x", "/c"]
    var seed: UInt64 = 12345
    func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
    return (0..<n).map { k in
        let status: Int64 = [200, 200, 200, 404, 500, 503][Int(next() % 6)]
        return EventRow(time: T0 + Int64(k) * 1_000_000_000, upid: UInt128(k % 3 + 1) << 64 | UInt128(100 + k % 3),
                        path: paths[Int(next() % 5)], status: status, latency: Int64(next() % 1000) + 1,
                        ok: status < 400, score: Double(next() % 100) / 4)
    }
}

func eventBatch(_ rows: [EventRow]) -> RecordBatch {
    var b = RecordBatchBuilder(schema: eventsSchema, capacity: rows.count)
    for r in rows {
        b.append(r.time, to: 0); b.append(r.upid, to: 1); b.append(r.path, to: 2); b.append(r.status, to: 3)
        b.append(r.latency, to: 4); b.append(r.ok, to: 5); b.append(r.score, to: 6)
        b.finishRow()
    }
    return b.finish()
}

/// A store holding `rows` in table `events`, in batches of `batchRows`; cold after compaction.
func makeStore(_ rows: [EventRow], batchRows: Int = 7, cold: Bool = false) -> TableStore {
    let store = TableStore(configuration: StoreConfiguration(retentionWindow: nil), clock: .manual(startingAt: T0 + 1_000_000_000_000))
    let table = try! store.addTable(eventsSchema)
    var i = 0
    while i < rows.count {
        try! table.append(eventBatch(Array(rows[i..<min(rows.count, i + batchRows)])))
        i += batchRows
    }
    if cold { table.compact(force: true) }
    return store
}

func run(_ plan: LogicalPlan, _ store: TableStore, parallelism: Int = 2, inputs: [String: [RecordBatch]] = [:]) throws -> RecordBatch {
    let r = try Executor().execute(plan, store: store, inputs: inputs, now: T0 + 5_000_000_000_000,
                                   limits: ExecutionLimits(parallelism: parallelism, morselRows: 4))
    return r.tables[0].batch
}

func rows(_ b: RecordBatch) -> [[Value]] { (0..<b.count).map { b.row($0) } }

/// Rows sorted by their text, for order-insensitive comparison.
func sortedRows(_ b: RecordBatch) -> [[Value]] { rows(b).sorted { "\($0)" < "\($1)" } }

func names(_ b: RecordBatch) -> [String] { b.schema.fields.map(\.name) }

/// A one-row-per-value table for function tests.
func valuesPlan(_ columns: [(String, [Value])]) -> LogicalPlan {
    let fields = columns.map { Field($0.0, $0.1[0].type) }
    var b = RecordBatchBuilder(schema: Schema(fields: fields), capacity: 8)
    for r in 0..<columns[0].1.count {
        try! b.append(row: columns.map { $0.1[r] })
    }
    return .values(b.finish())
}

/// Evaluates `expr` over a values table, returning the output column's values.
func eval(_ expr: Expr, _ columns: [(String, [Value])], dictionary: Bool = false) throws -> [Value] {
    var plan = valuesPlan(columns)
    if dictionary, case .values(let b) = plan {
        let cols = b.columns.map { c -> ColumnData in
            guard case .string(let s) = c else { return c }
            var dict = StringArray(); var codes: [UInt32] = []; var seen: [String: UInt32] = [:]
            for i in 0..<s.count {
                let v = s[i]
                if let code = seen[v] { codes.append(code) } else { seen[v] = UInt32(dict.count); codes.append(UInt32(dict.count)); dict.append(v) }
            }
            return .dictionary(codes: codes, dictionary: dict)
        }
        plan = .values(RecordBatch(unchecked: b.schema, columns: cols, count: b.count))
    }
    let out = try Executor().execute(.map(plan, [NamedExpr("out", expr)]), now: T0, limits: ExecutionLimits(parallelism: 1))
    let b = out.tables[0].batch
    return (0..<b.count).map { b.row($0)[0] }
}

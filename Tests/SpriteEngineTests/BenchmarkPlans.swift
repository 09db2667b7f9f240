import SpriteStore
@testable import SpriteEngine

/// The four benchmark queries (/work/shared/bench/queries) as the PxL compiler builds them:
/// full-table scans, `df.c = e` as "all columns + c".
enum BenchmarkPlans {
    static let table = "http_events"
    static var all: [Expr] { Schemas.httpEvents.fields.map { .column($0.name) } }
    static func withColumn(_ fields: [String], _ name: String, _ e: Expr) -> [NamedExpr] {
        fields.map { NamedExpr($0, .column($0)) } + [NamedExpr(name, e)]
    }
    static var allNames: [String] { Schemas.httpEvents.fields.map(\.name) }

    static var q1: LogicalPlan {
        let m = LogicalPlan.map(.scan(table), withColumn(allNames, "failure", .call("greaterThanEqual", [.column("resp_status"), 400])))
        let a = LogicalPlan.aggregate(m, keys: ["upid"], aggregates: [
            AggregateCall("requests", "count", "latency"), AggregateCall("error_rate", "mean", "failure"),
            AggregateCall("lat_mean", "mean", "latency"), AggregateCall("lat_q", "quantiles", "latency"),
            AggregateCall("bytes_out", "sum", "resp_body_size"),
        ], mode: .full)
        let base = ["upid", "requests", "error_rate", "lat_mean", "lat_q", "bytes_out"]
        let p50 = LogicalPlan.map(a, withColumn(base, "p50", .call("pluck_float64", [.column("lat_q"), "p50"])))
        let p99 = LogicalPlan.map(p50, withColumn(base + ["p50"], "p99", .call("pluck_float64", [.column("lat_q"), "p99"])))
        let drop = LogicalPlan.map(p99, ["upid", "requests", "error_rate", "lat_mean", "bytes_out", "p50", "p99"].map { NamedExpr($0, .column($0)) })
        return .sink(drop, name: "output")
    }

    static var q2: LogicalPlan {
        let f = LogicalPlan.filter(.scan(table), .call("logicalAnd", [.call("contains", [.column("req_path"), "/orders/"]),
                                                                      .call("greaterThanEqual", [.column("resp_status"), 500])]))
        return .sink(.aggregate(f, keys: ["req_path"], aggregates: [AggregateCall("n", "count", "latency"), AggregateCall("worst", "max", "latency")], mode: .full), name: "output")
    }

    static var q3: LogicalPlan {
        let m = LogicalPlan.map(.scan(table), withColumn(allNames, "timestamp", .call("bin", [.column("time_"), .call("seconds", [10])])))
        return .sink(.aggregate(m, keys: ["timestamp", "req_method"], aggregates: [AggregateCall("n", "count", "latency"), AggregateCall("lat", "mean", "latency")], mode: .full), name: "output")
    }

    static var q4: LogicalPlan {
        let all = LogicalPlan.aggregate(.scan(table), keys: ["req_path"], aggregates: [AggregateCall("n", "count", "latency"), AggregateCall("lat", "mean", "latency")], mode: .full)
        let errs = LogicalPlan.aggregate(.filter(.scan(table), .call("greaterThanEqual", [.column("resp_status"), 500])), keys: ["req_path"],
                                         aggregates: [AggregateCall("errors", "count", "latency")], mode: .full)
        let joined = LogicalPlan.join(left: all, right: errs, how: .left, leftOn: ["req_path"], rightOn: ["req_path"], suffixes: JoinSuffixes("", "_e"))
        let out = LogicalPlan.map(joined, withColumn(["req_path", "n", "lat", "req_path_e", "errors"], "err_rate", .call("divide", [.column("errors"), .column("n")])))
        return .sink(out, name: "output")
    }
}

/// Rows shaped like the benchmark generator's (24 upids, 300 paths, 5 methods, ~2% 5xx).
struct HTTPRow {
    var time: Int64, proc: Int, method: String, path: String, status: Int64, respSize: Int64, latency: Int64
    var upid: UInt128 { UPID.parse(String(format4(proc))) ?? 0 }

    func format4(_ p: Int) -> String {
        let hex = String(p, radix: 16), pid = String(1000 + p, radix: 16)
        return "00000000-0000-" + String(repeating: "0", count: 4 - hex.count) + hex + "-0000-" + String(repeating: "0", count: 12 - pid.count) + pid
    }
}

func httpRows(_ n: Int) -> [HTTPRow] {
    var seed: UInt64 = 99
    func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
    let kinds = ["users", "orders", "items", "carts", "auth", "search"]
    let paths = (0..<300).map { "/api/v\(1 + $0 % 3)/\(kinds[$0 % 6])/\($0)" }
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
    return (0..<n).map { k in
        let r = next() % 100
        let status: Int64 = r < 2 ? 500 + Int64(next() % 4) : (r < 7 ? 400 + Int64(next() % 5) : 200)
        return HTTPRow(time: T0 + Int64(k) * 7_000_000_000 / 3, proc: Int(next() % 24), method: methods[Int(next() % 5)],
                       path: paths[Int(next() % 300)], status: status, respSize: Int64(next() % 65536),
                       latency: Int64(next() % 10_000_000) + 1000 + (status >= 500 ? 20_000_000 : 0))
    }
}

func httpStore(_ rows: [HTTPRow], cold: Bool, batchRows: Int = 1000) -> TableStore {
    let store = TableStore(configuration: StoreConfiguration(retentionWindow: nil), clock: .manual(startingAt: T0))
    let table = store.table(named: "http_events")!
    var b = RecordBatchBuilder(schema: Schemas.httpEvents, capacity: batchRows)
    for (k, r) in rows.enumerated() {
        let values: [Value] = [.time64ns(r.time), .uint128(r.upid), .string("10.0.0.1"), .int64(30000), .string("10.1.0.2"), .int64(8080),
                               .int64(2), .boolean(false), .int64(1), .int64(1), .int64(1), .string("{}"), .string(r.method),
                               .string(r.path), .string(""), .int64(0), .string("{}"), .int64(r.status), .string("OK"), .string("{}"),
                               .int64(r.respSize), .int64(r.latency)]
        try! b.append(row: values)
        if b.count == batchRows || k == rows.count - 1 { try! table.append(b.finish()) }
    }
    if cold { table.compact(force: true) }
    return store
}

import Foundation
import SpriteCluster
import SpriteEngine
import SpriteStore

/// A node's store with a small, known `http_events` table, and helpers to query it.
struct Node {
    static let now: Int64 = 1_767_225_600_000_000_000 + 3_600_000_000_000  // 2026-01-01T01:00:00Z
    let store: TableStore
    let service: QueryService

    /// Rows: (seconds before now, pid, method, path, status, latency ns, response bytes).
    static let rows: [(Int64, UInt32, String, String, Int64, Int64, Int64)] = [
        (50, 100, "GET", "/api/users", 200, 1_000_000, 100),
        (45, 100, "GET", "/api/users", 200, 3_000_000, 300),
        (40, 100, "POST", "/api/orders", 500, 20_000_000, 50),
        (35, 200, "GET", "/api/orders/7", 200, 2_000_000, 1_000),
        (30, 200, "GET", "/api/orders/7", 503, 40_000_000, 20),
        (25, 200, "DELETE", "/api/orders/9", 404, 5_000_000, 0),
        (20, 300, "GET", "/healthz", 200, 500_000, 2),
        (15, 300, "GET", "/healthz", 200, 700_000, 2),
        (10, 300, "PUT", "/api/users", 201, 9_000_000, 10),
        (400, 100, "GET", "/old", 200, 1, 1),  // older than 5 minutes
    ]

    static func upid(_ pid: UInt32) -> UInt128 { UPID(asid: 0, pid: pid, startTimeTicks: 1_000 + UInt64(pid)).value }

    init() throws {
        store = TableStore(configuration: StoreConfiguration(totalBytes: 64 << 20, retentionWindow: nil),
                           clock: .manual(startingAt: Self.now))
        service = QueryService(store: store)
        var b = RecordBatchBuilder(schema: Schemas.httpEvents)
        for r in Self.rows.sorted(by: { $0.0 > $1.0 }) {
            let values: [Value] = [
                .time64ns(Self.now - r.0 * 1_000_000_000), .uint128(Self.upid(r.1)), .string("10.0.0.\(r.1 / 100)"),
                .int64(40_000 + Int64(r.1)), .string("127.0.0.1"), .int64(8080), .int64(2), .boolean(false),
                .int64(1), .int64(1), .int64(0), .string("{\"Host\":\"svc\"}"), .string(r.2), .string(r.3),
                .string(""), .int64(0), .string("{}"), .int64(r.4), .string(r.4 < 400 ? "OK" : "Error"),
                .string(""), .int64(r.6), .int64(r.5),
            ]
            try b.append(row: values)
        }
        try store.requireTable("http_events").append(b.finish())
    }

    /// Runs a script and returns its result tables by name.
    func run(_ script: String, function: String? = nil, args: [String: String]? = nil) throws -> [String: RecordBatch] {
        let answer = try service.run(QueryRequest(script: script, function: function, args: args))
        return Dictionary(uniqueKeysWithValues: answer.tables.map { ($0.name, $0.batch) })
    }

    /// The compile or execution error of a script.
    func error(_ script: String, function: String? = nil, args: [String: String]? = nil) -> ClusterError? {
        do { _ = try service.run(QueryRequest(script: script, function: function, args: args)); return nil } catch { return error }
    }
}

extension RecordBatch {
    /// Rows as arrays of values, in order.
    var rows: [[Value]] { (0..<count).map { row($0) } }

    /// The values of one column.
    func values(_ name: String) -> [Value] {
        guard let i = schema.index(of: name) else { return [] }
        return (0..<count).map { columns[i].value(at: $0, as: schema.fields[i].type) }
    }

    /// Rows sorted by their text form, for order-independent comparisons.
    var sortedRows: [[Value]] { rows.sorted { "\($0)" < "\($1)" } }

    var columnNames: [String] { schema.fields.map(\.name) }
}

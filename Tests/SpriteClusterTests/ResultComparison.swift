import Foundation
import SpriteCluster
import SpriteStore

/// Result tables decoded from the API's JSON, compared regardless of row order; floats within a
/// relative tolerance, quantile JSON within the sketch's error bound.
struct ResultTables: CustomStringConvertible {
    struct Table {
        var name: String
        var columns: [String]
        var types: [String]
        var rows: [[Any]]
    }

    var tables: [Table]

    init(json data: Data) throws {
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any], let ts = o["tables"] as? [[String: Any]] else {
            throw ClusterTestError("not a query answer: \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        tables = ts.map { t in
            let cols = (t["columns"] as? [[String: Any]]) ?? []
            return Table(name: t["name"] as? String ?? "", columns: cols.map { $0["name"] as? String ?? "" },
                         types: cols.map { $0["type"] as? String ?? "" }, rows: (t["rows"] as? [[Any]]) ?? [])
        }
    }

    init(tables: [Table]) { self.tables = tables }

    /// The in-process answer of `service` to `request`, through the same JSON encoding.
    static func local(_ service: QueryService, _ request: QueryRequest) throws -> ResultTables {
        try ResultTables(json: Data(service.run(request).json()))
    }

    var description: String {
        tables.map { "\($0.name) \($0.columns) \($0.rows.count) rows: \($0.rows.prefix(3))" }.joined(separator: "\n")
    }

    static func key(_ v: Any) -> String {
        if let n = v as? NSNumber, !(v is Bool) {
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.5g", d)
        }
        if let s = v as? String, s.hasPrefix("{\"p"), let q = quantiles(s) { return q.keys.sorted().joined() }
        return "\(v)"
    }

    static func quantiles(_ s: String) -> [String: Double]? {
        (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String: Double]
    }

    static func same(_ a: Any, _ b: Any, tolerance: Double) -> Bool {
        if let x = a as? NSNumber, let y = b as? NSNumber {
            let dx = x.doubleValue, dy = y.doubleValue
            if dx == dy { return true }
            return abs(dx - dy) <= tolerance * max(abs(dx), abs(dy))
        }
        if let x = a as? String, let y = b as? String {
            if x == y { return true }
            if let qx = quantiles(x), let qy = quantiles(y), qx.keys.sorted() == qy.keys.sorted() {
                return qx.allSatisfy { k, v in abs(v - qy[k]!) <= 0.021 * max(abs(v), abs(qy[k]!)) }
            }
            return false
        }
        return "\(a)" == "\(b)"
    }

    /// Why `self` differs from `other`, or `nil` when they hold the same tables and rows.
    /// `countOnly` tables (limits without order) only need the same columns and row count.
    func difference(from other: ResultTables, countOnly: Set<String> = [], tolerance: Double = 1e-9) -> String? {
        guard tables.map(\.name) == other.tables.map(\.name) else { return "tables \(tables.map(\.name)) vs \(other.tables.map(\.name))" }
        for (a, b) in zip(tables, other.tables) {
            guard a.columns == b.columns, a.types == b.types else { return "\(a.name): columns \(a.columns) vs \(b.columns)" }
            guard a.rows.count == b.rows.count else { return "\(a.name): \(a.rows.count) rows vs \(b.rows.count)" }
            if countOnly.contains(a.name) { continue }
            func sorted(_ rows: [[Any]]) -> [[Any]] {
                rows.map { ($0.map(Self.key).joined(separator: "|"), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            }
            for (i, (ra, rb)) in zip(sorted(a.rows), sorted(b.rows)).enumerated() {
                guard ra.count == rb.count, zip(ra, rb).allSatisfy({ Self.same($0, $1, tolerance: tolerance) }) else {
                    return "\(a.name): row \(i) \(ra) vs \(rb)"
                }
            }
        }
        return nil
    }
}

import SpriteStore

/// `px.quantiles`: a ``DDSketch`` per group; the result is Pixie's JSON text
/// `{"p01":…,"p10":…,"p25":…,"p50":…,"p75":…,"p90":…,"p99":…}`.
final class QuantilesState: AggregateState {
    static let quantiles: [(String, Double)] = [
        ("p01", 0.01), ("p10", 0.10), ("p25", 0.25), ("p50", 0.50), ("p75", 0.75), ("p90", 0.90), ("p99", 0.99),
    ]

    var sketches: [DDSketch] = []

    func reserve(groups n: Int) { grow(&sketches, n, DDSketch()) }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        sketches.withUnsafeMutableBufferPointer { s in
            AggregateLoops.forEachDouble(column, rows, groups) { g, v in s[g].add(v) }
        }
    }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! QuantilesState
        for (g, s) in o.sketches.enumerated() { sketches[Int(mapping[g])].merge(s) }
    }

    func serialize(groups n: Int) -> StringArray { serializeEach(n) { g, w in sketches[g].serialize(into: &w) } }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in
            sketches[g].merge(try DDSketch.deserialize(&r))
        }
    }

    static func json(_ s: DDSketch) -> String {
        var out = "{"
        for (k, (name, q)) in quantiles.enumerated() {
            if k > 0 { out += "," }
            out += "\"\(name)\":\(s.quantile(q))"
        }
        return out + "}"
    }

    func finalize(groups n: Int) -> ColumnData {
        .string(StringArray((0..<n).map { Self.json(sketches[$0]) }))
    }
}

import SpriteStore

/// `px.min` / `px.max` over INT64, TIME64NS or FLOAT64.
final class MinMaxState: AggregateState {
    let isMax: Bool
    let isFloat: Bool
    var ints: [Int64] = []
    var floats: [Double] = []

    init(isMax: Bool, isFloat: Bool) {
        self.isMax = isMax
        self.isFloat = isFloat
    }

    func reserve(groups n: Int) {
        if isFloat { grow(&floats, n, isMax ? -.infinity : .infinity) } else { grow(&ints, n, isMax ? .min : .max) }
    }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        if isFloat {
            floats.withUnsafeMutableBufferPointer { s in
                if isMax { AggregateLoops.forEachDouble(column, rows, groups) { g, v in if v > s[g] { s[g] = v } } }
                else { AggregateLoops.forEachDouble(column, rows, groups) { g, v in if v < s[g] { s[g] = v } } }
            }
        } else {
            ints.withUnsafeMutableBufferPointer { s in
                if isMax { AggregateLoops.forEachInt64(column, rows, groups) { g, v in if v > s[g] { s[g] = v } } }
                else { AggregateLoops.forEachInt64(column, rows, groups) { g, v in if v < s[g] { s[g] = v } } }
            }
        }
    }

    private func combine(_ g: Int, int v: Int64) { if isMax ? v > ints[g] : v < ints[g] { ints[g] = v } }
    private func combine(_ g: Int, float v: Double) { if isMax ? v > floats[g] : v < floats[g] { floats[g] = v } }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! MinMaxState
        if isFloat { for (g, v) in o.floats.enumerated() { combine(Int(mapping[g]), float: v) } }
        else { for (g, v) in o.ints.enumerated() { combine(Int(mapping[g]), int: v) } }
    }

    func serialize(groups n: Int) -> StringArray {
        serializeEach(n) { g, w in if isFloat { w.write(floats[g]) } else { w.write(ints[g]) } }
    }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in
            if isFloat { combine(g, float: try r.readDouble()) } else { combine(g, int: try r.readInt64()) }
        }
    }

    func finalize(groups n: Int) -> ColumnData {
        isFloat ? .float64(Array(floats.prefix(n))) : .int64(Array(ints.prefix(n)))
    }
}

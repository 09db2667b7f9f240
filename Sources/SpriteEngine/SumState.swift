import SpriteStore

/// `px.sum`: INT64 (and BOOLEAN) inputs sum as INT64 (wrapping), FLOAT64 as FLOAT64.
final class SumState: AggregateState {
    let isFloat: Bool
    var ints: [Int64] = []
    var floats: [Double] = []

    init(isFloat: Bool) { self.isFloat = isFloat }

    func reserve(groups n: Int) {
        if isFloat { grow(&floats, n, 0) } else { grow(&ints, n, 0) }
    }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        if isFloat {
            floats.withUnsafeMutableBufferPointer { s in AggregateLoops.forEachDouble(column, rows, groups) { g, v in s[g] += v } }
        } else {
            ints.withUnsafeMutableBufferPointer { s in AggregateLoops.forEachInt64(column, rows, groups) { g, v in s[g] &+= v } }
        }
    }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! SumState
        if isFloat { for (g, v) in o.floats.enumerated() { floats[Int(mapping[g])] += v } }
        else { for (g, v) in o.ints.enumerated() { ints[Int(mapping[g])] &+= v } }
    }

    func serialize(groups n: Int) -> StringArray {
        serializeEach(n) { g, w in if isFloat { w.write(floats[g]) } else { w.write(ints[g]) } }
    }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in
            if isFloat { floats[g] += try r.readDouble() } else { ints[g] &+= try r.readInt64() }
        }
    }

    func finalize(groups n: Int) -> ColumnData {
        isFloat ? .float64(Array(floats.prefix(n))) : .int64(Array(ints.prefix(n)))
    }
}

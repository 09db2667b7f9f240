import SpriteStore

/// `px.count`: rows per group.
final class CountState: AggregateState {
    var counts: [Int64] = []

    func reserve(groups n: Int) { grow(&counts, n, 0) }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        counts.withUnsafeMutableBufferPointer { c in
            for k in 0..<rows.count { c[Int(groups[k])] &+= 1 }
        }
    }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! CountState
        for (g, v) in o.counts.enumerated() { counts[Int(mapping[g])] &+= v }
    }

    func serialize(groups n: Int) -> StringArray { serializeEach(n) { g, w in w.write(counts[g]) } }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in counts[g] &+= try r.readInt64() }
    }

    func finalize(groups n: Int) -> ColumnData { .int64(Array(counts.prefix(n))) }
}

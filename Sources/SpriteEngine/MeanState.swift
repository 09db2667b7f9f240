import SpriteStore

/// `px.mean`: sum and count per group; FLOAT64 result (BOOLEAN inputs give the share of trues).
final class MeanState: AggregateState {
    var sums: [Double] = []
    var counts: [Int64] = []

    func reserve(groups n: Int) { grow(&sums, n, 0); grow(&counts, n, 0) }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        sums.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                AggregateLoops.forEachDouble(column, rows, groups) { g, v in s[g] += v; c[g] &+= 1 }
            }
        }
    }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! MeanState
        for g in o.counts.indices {
            sums[Int(mapping[g])] += o.sums[g]
            counts[Int(mapping[g])] &+= o.counts[g]
        }
    }

    func serialize(groups n: Int) -> StringArray { serializeEach(n) { g, w in w.write(sums[g]); w.write(counts[g]) } }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in
            sums[g] += try r.readDouble()
            counts[g] &+= try r.readInt64()
        }
    }

    func finalize(groups n: Int) -> ColumnData {
        .float64((0..<n).map { counts[$0] == 0 ? 0 : sums[$0] / Double(counts[$0]) })
    }
}

import SpriteStore

/// A small schema with every column type.
let allTypes = Schema(name: "all_types", fields: [
    Field("time_", .time64ns), Field("i", .int64), Field("u", .uint128), Field("f", .float64),
    Field("b", .boolean), Field("s", .string),
])

/// `count` rows of `allTypes`, times `start, start+step, ...`.
func makeBatch(start: Int64, count: Int, step: Int64 = 1_000, tag: String = "x") -> RecordBatch {
    var b = RecordBatchBuilder(schema: allTypes, capacity: count)
    for k in 0..<count {
        let t = start + Int64(k) * step
        b.append(t, to: 0)
        b.append(Int64(k) - 50, to: 1)
        b.append(UInt128(k % 3) << 100 | UInt128(k), to: 2)
        b.append(Double(k) * 0.5, to: 3)
        b.append(k % 2 == 0, to: 4)
        b.append("\(tag)-\(k % 7)", to: 5)
        b.finishRow()
    }
    return b.finish()
}

/// Every row of every slice of a scan, as values.
func rows(_ slices: [BatchSlice]) -> [[Value]] {
    var out: [[Value]] = []
    for s in slices {
        let batch = s.batch.decoded()
        for r in s.rows { out.append(batch.row(r)) }
    }
    return out
}

func times(_ slices: [BatchSlice]) -> [Int64] {
    rows(slices).map { if case .time64ns(let t) = $0[0] { t } else { -1 } }
}

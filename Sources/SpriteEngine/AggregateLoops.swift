import SpriteStore

/// Tight loops over (group id, value) pairs of a numeric column's active rows.
enum AggregateLoops {
    @inline(__always)
    static func forEachInt64(_ column: ColumnData, _ rows: RowSet, _ groups: UnsafeBufferPointer<UInt32>, _ body: (Int, Int64) -> Void) {
        switch column {
        case .int64(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), vp[i]) } }
        case .boolean(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), vp[i] ? 1 : 0) } }
        case .float64(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), Int64(vp[i])) } }
        default:
            preconditionFailure("numeric aggregate over a non-numeric column")
        }
    }

    @inline(__always)
    static func forEachDouble(_ column: ColumnData, _ rows: RowSet, _ groups: UnsafeBufferPointer<UInt32>, _ body: (Int, Double) -> Void) {
        switch column {
        case .int64(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), Double(vp[i])) } }
        case .boolean(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), vp[i] ? 1 : 0) } }
        case .float64(let v):
            v.withUnsafeBufferPointer { vp in rows.forEachIndexed { k, i in body(Int(groups[k]), vp[i]) } }
        default:
            preconditionFailure("numeric aggregate over a non-numeric column")
        }
    }
}

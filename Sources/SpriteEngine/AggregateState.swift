import SpriteStore

/// The per-group state of one aggregate over one batch stream: updated column-at-a-time with a
/// group id per active row, merged with another state of the same aggregate, serialized per
/// group for partial aggregation, and finalized into a result column.
protocol AggregateState: AnyObject {
    /// Makes room for groups `0..<n`.
    func reserve(groups n: Int)
    /// Adds the active rows of `column`; `groups[k]` is the group of the k-th active row.
    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>)
    /// Adds `other`'s groups: its group `g` goes into group `mapping[g]` of this state.
    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>)
    /// One serialized state per group `0..<n`.
    func serialize(groups n: Int) -> StringArray
    /// Merges serialized states (a `STRING` column of ``serialize(groups:)`` output).
    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError)
    /// The final values of groups `0..<n`.
    func finalize(groups n: Int) -> ColumnData
}

extension AggregateState {
    /// Calls `body` with the bytes of each active row of a state column and its group.
    func forEachState(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>,
                      _ body: (inout ByteReader, Int) throws(EngineError) -> Void) throws(EngineError) {
        let arg = StringArg(.column(column))
        try rows.forEachIndexed { (k, i) throws(EngineError) in
            try arg.withBytes(i) { (b) throws(EngineError) in
                var r = ByteReader(b)
                try body(&r, Int(groups[k]))
            }
        }
    }

    /// A StringArray of one serialized value per group.
    func serializeEach(_ n: Int, _ body: (Int, inout ByteWriter) -> Void) -> StringArray {
        var out = StringArray(reservingCapacity: n, byteCapacity: n * 16)
        var w = ByteWriter()
        for g in 0..<n {
            w.bytes.removeAll(keepingCapacity: true)
            body(g, &w)
            w.bytes.withUnsafeBufferPointer { out.append(utf8: $0) }
        }
        return out
    }
}

/// Grows `a` to `n` elements filled with `fill`.
@inline(__always)
func grow<T>(_ a: inout [T], _ n: Int, _ fill: T) {
    if a.count < n { a.append(contentsOf: repeatElement(fill, count: n - a.count)) }
}

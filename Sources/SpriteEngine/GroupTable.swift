import SpriteStore

/// Assigns dense group ids to rows by the values of zero or more key columns.
///
/// Each key column has its own ``KeyIndex``; with several keys the per-column ids are combined
/// pairwise through maps of packed `(previous, next)` id pairs, so any mix of key types works
/// without hashing whole rows.
final class GroupTable {
    let keyTypes: [DataType]
    private var indexes: [any KeyIndex]
    private var pairs: [PairIndex]

    init(keyTypes: [DataType]) {
        self.keyTypes = keyTypes
        indexes = keyTypes.map(makeKeyIndex)
        pairs = keyTypes.count > 1 ? (1..<keyTypes.count).map { _ in PairIndex() } : []
    }

    /// The number of groups.
    var count: Int {
        if keyTypes.isEmpty { return 1 }
        if let last = pairs.last { return last.count }
        return indexes[0].count
    }

    /// The group of each active row (adding new groups), densely.
    func assign(_ columns: [ColumnData], rows: RowSet) -> [UInt32] {
        ids(columns, rows: rows, insert: true)
    }

    /// The group of each active row, or `UInt32.max` where the keys are unseen.
    func lookup(_ columns: [ColumnData], rows: RowSet) -> [UInt32] {
        ids(columns, rows: rows, insert: false)
    }

    private func ids(_ columns: [ColumnData], rows: RowSet, insert: Bool) -> [UInt32] {
        let n = rows.count
        var out = [UInt32](repeating: 0, count: n)
        guard !keyTypes.isEmpty else { return out }
        out.withUnsafeMutableBufferPointer { o in
            if insert { indexes[0].assign(columns[0], rows: rows, into: o) } else { indexes[0].lookup(columns[0], rows: rows, into: o) }
        }
        guard keyTypes.count > 1 else { return out }
        var next = [UInt32](repeating: 0, count: n)
        for j in 1..<keyTypes.count {
            next.withUnsafeMutableBufferPointer { o in
                if insert { indexes[j].assign(columns[j], rows: rows, into: o) } else { indexes[j].lookup(columns[j], rows: rows, into: o) }
            }
            // A local copy avoids exclusivity checks on the class property per row.
            var pair = PairIndex()
            swap(&pair, &pairs[j - 1])
            out.withUnsafeMutableBufferPointer { o in
                next.withUnsafeBufferPointer { nx in
                    for k in 0..<n {
                        if o[k] == .max || nx[k] == .max { o[k] = .max; continue }
                        o[k] = insert ? pair.id(o[k], nx[k]) : (pair.lookup(o[k], nx[k]) ?? .max)
                    }
                }
            }
            swap(&pair, &pairs[j - 1])
        }
        return out
    }

    /// The key values of every group, one column per key, in group order.
    func keyColumns() -> [ColumnData] {
        guard !keyTypes.isEmpty else { return [] }
        let n = count
        var perKey = [[UInt32]](repeating: [], count: keyTypes.count)
        var current = (0..<n).map { UInt32($0) }
        var j = keyTypes.count - 1
        while j > 0 {
            let p = pairs[j - 1].keys
            perKey[j] = current.map { UInt32(truncatingIfNeeded: p[Int($0)]) }
            current = current.map { UInt32(truncatingIfNeeded: p[Int($0)] >> 32) }
            j -= 1
        }
        perKey[0] = current
        return (0..<keyTypes.count).map { indexes[$0].values(perKey[$0]) }
    }
}

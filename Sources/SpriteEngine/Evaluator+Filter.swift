import SpriteStore

/// Filters that go straight to a selection vector, without a BOOLEAN column in between.
extension Evaluator {
    /// The rows of `chunk` that satisfy `predicate` when it is a comparison of an INT64/TIME64NS
    /// column with a constant; `nil` for other predicates.
    static func fastFilter(_ predicate: BoundExpr, _ chunk: inout Chunk) -> RowSet? {
        guard case .call(let name, _, let args, _) = predicate, args.count == 2 else { return nil }
        var op: FunctionRegistry.Comparison
        switch name {
        case "equal": op = .eq
        case "notEqual": op = .ne
        case "lessThan": op = .lt
        case "lessThanEqual": op = .le
        case "greaterThan": op = .gt
        case "greaterThanEqual": op = .ge
        default: return nil
        }
        var columnIndex: Int
        var constant: Int64
        switch (args[0], args[1]) {
        case (.column(let i, let f), .literal(let v, _)) where f.type == .int64 || f.type == .time64ns:
            columnIndex = i
            constant = Int64.scalar(v)
        case (.literal(let v, _), .column(let i, let f)) where f.type == .int64 || f.type == .time64ns:
            columnIndex = i
            constant = Int64.scalar(v)
            switch op {
            case .lt: op = .gt
            case .le: op = .ge
            case .gt: op = .lt
            case .ge: op = .le
            default: break
            }
        default:
            return nil
        }
        guard case .column(.int64(let values)) = chunk.operand(columnIndex) else { return nil }
        let rows = chunk.rows
        switch op {
        case .eq: return select(values, rows) { $0 == constant }
        case .ne: return select(values, rows) { $0 != constant }
        case .lt: return select(values, rows) { $0 < constant }
        case .le: return select(values, rows) { $0 <= constant }
        case .gt: return select(values, rows) { $0 > constant }
        case .ge: return select(values, rows) { $0 >= constant }
        }
    }

    @inline(__always)
    static func select(_ values: [Int64], _ rows: RowSet, _ keep: (Int64) -> Bool) -> RowSet {
        values.withUnsafeBufferPointer { vp in
            let out = [Int32](unsafeUninitializedCapacity: rows.count) { buf, n in
                var k = 0
                rows.forEach { i in
                    buf[k] = Int32(truncatingIfNeeded: i)
                    k &+= keep(vp[i]) ? 1 : 0
                }
                n = k
            }
            if case .range(let r) = rows, out.count == r.count { return rows }
            return .selection(out)
        }
    }
}

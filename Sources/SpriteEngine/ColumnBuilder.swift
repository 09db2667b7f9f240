import SpriteStore

/// Column construction helpers: gathers, constants, zero fills.
enum ColumnBuilder {
    /// `count` copies of `value`.
    static func repeating(_ value: Value, type: DataType, count: Int) -> ColumnData {
        switch value {
        case .boolean(let b): return .boolean([Bool](repeating: b, count: count))
        case .int64(let v), .time64ns(let v):
            if type == .float64 { return .float64([Double](repeating: Double(v), count: count)) }
            return .int64([Int64](repeating: v, count: count))
        case .float64(let v): return .float64([Double](repeating: v, count: count))
        case .uint128(let v): return .uint128([UInt128](repeating: v, count: count))
        case .string(let s):
            return .dictionary(codes: [UInt32](repeating: 0, count: count), dictionary: StringArray([s]))
        }
    }

    @inline(__always)
    static func gatherArray<T>(_ a: [T], _ rows: RowSet) -> [T] {
        switch rows {
        case .range(let r): return Array(a[r])
        case .selection(let s):
            return a.withUnsafeBufferPointer { ap in
                [T](unsafeUninitializedCapacity: s.count) { buf, n in
                    s.withUnsafeBufferPointer { sp in
                        for k in 0..<sp.count { (buf.baseAddress! + k).initialize(to: ap[Int(sp[k])]) }
                    }
                    n = s.count
                }
            }
        }
    }

    /// The active rows of `column`, densely (dictionaries are kept).
    static func gather(_ column: ColumnData, _ rows: RowSet) -> ColumnData {
        switch column {
        case .boolean(let v): return .boolean(gatherArray(v, rows))
        case .int64(let v): return .int64(gatherArray(v, rows))
        case .float64(let v): return .float64(gatherArray(v, rows))
        case .uint128(let v): return .uint128(gatherArray(v, rows))
        case .dictionary(let codes, let dict): return .dictionary(codes: gatherArray(codes, rows), dictionary: dict)
        case .string(let s):
            var bytes = 0
            rows.forEach { i in bytes += s.utf8Count(at: i) }
            var out = StringArray(reservingCapacity: rows.count, byteCapacity: bytes)
            s.bytes.withUnsafeBufferPointer { b in
                rows.forEach { i in
                    let lo = Int(s.offsets[i]), hi = Int(s.offsets[i + 1])
                    out.append(utf8: UnsafeBufferPointer(rebasing: b[lo..<hi]))
                }
            }
            return .string(out)
        }
    }

    /// Rows `indices` of `column`; index -1 gives the type's zero value (outer joins).
    static func gather(_ column: ColumnData, _ indices: [Int32], type: DataType) -> ColumnData {
        func pick<T>(_ a: [T], _ zero: T) -> [T] {
            a.withUnsafeBufferPointer { ap in indices.map { $0 < 0 ? zero : ap[Int($0)] } }
        }
        switch column {
        case .boolean(let v): return .boolean(pick(v, false))
        case .int64(let v): return .int64(pick(v, 0))
        case .float64(let v): return .float64(pick(v, 0))
        case .uint128(let v): return .uint128(pick(v, 0))
        case .dictionary(let codes, let dict):
            if !indices.contains(where: { $0 < 0 }) { return .dictionary(codes: pick(codes, 0), dictionary: dict) }
            return gather(column.plain(), indices, type: type)
        case .string(let s):
            var out = StringArray(reservingCapacity: indices.count, byteCapacity: 0)
            for i in indices {
                if i < 0 { out.append("") } else { out.append(from: s, at: Int(i)) }
            }
            return .string(out)
        }
    }
}

import SpriteStore

/// Dense ids for the distinct values of one group-by or join key column.
protocol KeyIndex: AnyObject {
    /// The number of distinct values seen.
    var count: Int { get }
    /// Writes the id of each active row's value (adding new values) to `out[k]`.
    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>)
    /// Writes the id of each active row's value, or `UInt32.max` if unseen.
    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>)
    /// The values of `ids`, as a column.
    func values(_ ids: [UInt32]) -> ColumnData
}

/// Makes the key index for a column type.
func makeKeyIndex(_ type: DataType) -> any KeyIndex {
    switch type {
    case .int64, .time64ns: Int64KeyIndex()
    case .boolean: BoolKeyIndex()
    case .float64: Float64KeyIndex()
    case .uint128: UInt128KeyIndex()
    case .string: StringKeyIndex()
    }
}

final class Int64KeyIndex: KeyIndex {
    var map = HashIDMap<Int64>()
    var count: Int { map.count }

    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .int64(let v) = column else { preconditionFailure() }
        var lastKey = Int64.min, lastID = UInt32.max
        var m = HashIDMap<Int64>(capacity: 0)
        swap(&m, &map)
        v.withUnsafeBufferPointer { vp in
            rows.forEachIndexed { k, i in
                let x = vp[i]
                if x != lastKey || lastID == .max { lastKey = x; lastID = m.id(x) }
                out[k] = lastID
            }
        }
        swap(&m, &map)
    }

    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .int64(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in out[k] = map.lookup(v[i]) ?? .max }
    }

    func values(_ ids: [UInt32]) -> ColumnData { .int64(ids.map { map.keys[Int($0)] }) }
}

final class Float64KeyIndex: KeyIndex {
    var map = HashIDMap<Int64>()
    var count: Int { map.count }

    @inline(__always) static func bits(_ d: Double) -> Int64 {
        if d == 0 { return 0 }
        if d.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
        return Int64(bitPattern: d.bitPattern)
    }

    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .float64(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in out[k] = map.id(Self.bits(v[i])) }
    }

    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .float64(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in out[k] = map.lookup(Self.bits(v[i])) ?? .max }
    }

    func values(_ ids: [UInt32]) -> ColumnData { .float64(ids.map { Double(bitPattern: UInt64(bitPattern: map.keys[Int($0)])) }) }
}

final class BoolKeyIndex: KeyIndex {
    var ids: [UInt32] = [.max, .max]
    var seen: [Bool] = []
    var count: Int { seen.count }

    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .boolean(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in
            let b = v[i] ? 1 : 0
            if ids[b] == .max { ids[b] = UInt32(seen.count); seen.append(v[i]) }
            out[k] = ids[b]
        }
    }

    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .boolean(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in out[k] = ids[v[i] ? 1 : 0] }
    }

    func values(_ ids: [UInt32]) -> ColumnData { .boolean(ids.map { seen[Int($0)] }) }
}

final class UInt128KeyIndex: KeyIndex {
    var map = HashIDMap<UInt128>()
    var count: Int { map.count }

    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .uint128(let v) = column else { preconditionFailure() }
        var lastKey: UInt128 = 0, lastID = UInt32.max
        var m = HashIDMap<UInt128>(capacity: 0)
        swap(&m, &map)
        v.withUnsafeBufferPointer { vp in
            rows.forEachIndexed { k, i in
                let x = vp[i]
                if x != lastKey || lastID == .max { lastKey = x; lastID = m.id(x) }
                out[k] = lastID
            }
        }
        swap(&m, &map)
    }

    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard case .uint128(let v) = column else { preconditionFailure() }
        rows.forEachIndexed { k, i in out[k] = map.lookup(v[i]) ?? .max }
    }

    func values(_ ids: [UInt32]) -> ColumnData { .uint128(ids.map { map.keys[Int($0)] }) }
}

/// Strings: dictionary columns map each code once per chunk; plain columns hash raw bytes.
final class StringKeyIndex: KeyIndex {
    var map = BytesIDMap()
    var count: Int { map.count }

    func assign(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        var map = BytesIDMap(capacity: 0)
        swap(&map, &self.map)
        defer { swap(&map, &self.map) }
        switch column {
        case .dictionary(let codes, let dict):
            var cache = [UInt32](repeating: .max, count: dict.count)
            dict.bytes.withUnsafeBufferPointer { db in
                dict.offsets.withUnsafeBufferPointer { offs in
                    codes.withUnsafeBufferPointer { cp in
                        cache.withUnsafeMutableBufferPointer { cache in
                            rows.forEachIndexed { k, i in
                                let c = Int(cp[i])
                                var id = cache[c]
                                if id == .max {
                                    id = map.id(UnsafeBufferPointer(rebasing: db[Int(offs[c])..<Int(offs[c + 1])]))
                                    cache[c] = id
                                }
                                out[k] = id
                            }
                        }
                    }
                }
            }
        case .string(let s):
            s.bytes.withUnsafeBufferPointer { db in
                s.offsets.withUnsafeBufferPointer { offs in
                    rows.forEachIndexed { k, i in
                        out[k] = map.id(UnsafeBufferPointer(rebasing: db[Int(offs[i])..<Int(offs[i + 1])]))
                    }
                }
            }
        default: preconditionFailure()
        }
    }

    func lookup(_ column: ColumnData, rows: RowSet, into out: UnsafeMutableBufferPointer<UInt32>) {
        let arg = StringArg(.column(column))
        rows.forEachIndexed { k, i in out[k] = arg.withBytes(i) { map.lookup($0) } ?? .max }
    }

    func values(_ ids: [UInt32]) -> ColumnData {
        if ids.count == map.count && ids.enumerated().allSatisfy({ $0.offset == Int($0.element) }) { return .string(map.keys) }
        return .dictionary(codes: ids, dictionary: map.keys)
    }
}

/// The values of one column, decoded into contiguous buffers.
///
/// Hot batches hold their columns this way; cold batches decode into it when scanned. `TIME64NS`
/// and `INT64` columns both use ``int64(_:)``: the schema says which one a column is.
public enum ColumnData: Sendable {
    case boolean([Bool])
    case int64([Int64])
    case float64([Double])
    case uint128([UInt128])
    /// Plain strings.
    case string(StringArray)
    /// Dictionary-encoded strings: value `i` is `dictionary[codes[i]]`.
    case dictionary(codes: [UInt32], dictionary: StringArray)

    /// The number of values.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int64(let v): v.count
        case .float64(let v): v.count
        case .uint128(let v): v.count
        case .string(let v): v.count
        case .dictionary(let codes, _): codes.count
        }
    }

    /// An empty column for values of `type`.
    public static func empty(_ type: DataType, capacity: Int = 0) -> ColumnData {
        switch type {
        case .boolean: var a = [Bool](); a.reserveCapacity(capacity); return .boolean(a)
        case .int64, .time64ns: var a = [Int64](); a.reserveCapacity(capacity); return .int64(a)
        case .float64: var a = [Double](); a.reserveCapacity(capacity); return .float64(a)
        case .uint128: var a = [UInt128](); a.reserveCapacity(capacity); return .uint128(a)
        case .string: return .string(StringArray(reservingCapacity: capacity, byteCapacity: capacity * 16))
        }
    }

    /// Whether the storage can hold values of `type`.
    public func matches(_ type: DataType) -> Bool {
        switch (self, type) {
        case (.boolean, .boolean), (.int64, .int64), (.int64, .time64ns), (.float64, .float64),
             (.uint128, .uint128), (.string, .string), (.dictionary, .string):
            true
        default:
            false
        }
    }

    /// The value at `index`, typed as `type` (which tells `INT64` from `TIME64NS`).
    public func value(at index: Int, as type: DataType) -> Value {
        switch self {
        case .boolean(let v): return .boolean(v[index])
        case .int64(let v): return type == .time64ns ? .time64ns(v[index]) : .int64(v[index])
        case .float64(let v): return .float64(v[index])
        case .uint128(let v): return .uint128(v[index])
        case .string(let v): return .string(v[index])
        case .dictionary(let codes, let dict): return .string(dict[Int(codes[index])])
        }
    }

    /// The string at `index` of a string column.
    public func string(at index: Int) -> String {
        switch self {
        case .string(let v): return v[index]
        case .dictionary(let codes, let dict): return dict[Int(codes[index])]
        default: preconditionFailure("string(at:) on a non-string column")
        }
    }

    /// Bytes held by the column's buffers.
    public var allocatedBytes: Int {
        switch self {
        case .boolean(let v): v.capacity
        case .int64(let v): v.capacity * 8
        case .float64(let v): v.capacity * 8
        case .uint128(let v): v.capacity * 16
        case .string(let v): v.allocatedBytes
        case .dictionary(let codes, let dict): codes.capacity * 4 + dict.allocatedBytes
        }
    }

    /// The values at `indices`, in that order, as a new column (dictionaries are kept).
    public func gather(_ indices: some Collection<Int>) -> ColumnData {
        switch self {
        case .boolean(let v): return .boolean(indices.map { v[$0] })
        case .int64(let v): return .int64(indices.map { v[$0] })
        case .float64(let v): return .float64(indices.map { v[$0] })
        case .uint128(let v): return .uint128(indices.map { v[$0] })
        case .string(let v):
            var out = StringArray(reservingCapacity: indices.count, byteCapacity: 0)
            for i in indices { out.append(from: v, at: i) }
            return .string(out)
        case .dictionary(let codes, let dict):
            return .dictionary(codes: indices.map { codes[$0] }, dictionary: dict)
        }
    }

    /// The values in `range` as a new column.
    public func slice(_ range: Range<Int>) -> ColumnData {
        switch self {
        case .boolean(let v): return .boolean(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .float64(let v): return .float64(Array(v[range]))
        case .uint128(let v): return .uint128(Array(v[range]))
        case .string: return gather(range)
        case .dictionary(let codes, let dict): return .dictionary(codes: Array(codes[range]), dictionary: dict)
        }
    }

    /// The same values with strings stored plainly (dictionaries expanded).
    public func plain() -> ColumnData {
        guard case .dictionary(let codes, let dict) = self else { return self }
        var out = StringArray(reservingCapacity: codes.count, byteCapacity: 0)
        for c in codes { out.append(from: dict, at: Int(c)) }
        return .string(out)
    }
}

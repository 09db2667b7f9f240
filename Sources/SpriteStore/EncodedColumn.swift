/// A column of a cold batch, compressed by an encoding chosen for its values at compaction.
///
/// - Integers and times: frame-of-reference bit packing of the values, or of the differences
///   between consecutive values when that is narrower (sorted times need a few bits each).
/// - Strings: a dictionary of the distinct values with bit-packed codes when values repeat,
///   plain otherwise.
/// - UINT128 (upids): a dictionary with bit-packed codes when values repeat.
/// - Booleans: one bit each.
public enum EncodedColumn: Sendable {
    case packed(BitPackedInts)
    /// `first`, then each value is the previous plus the next delta.
    case delta(first: Int64, deltas: BitPackedInts)
    case float64([Double])
    case bits(words: [UInt64], count: Int)
    case uint128Dictionary(codes: BitPackedInts, dictionary: [UInt128])
    case uint128([UInt128])
    case stringDictionary(codes: BitPackedInts, dictionary: StringArray)
    case strings(StringArray)

    /// Encodes a decoded column.
    public init(_ data: ColumnData) {
        switch data {
        case .int64(let values):
            self = Self.encodeInts(values)
        case .float64(let values):
            self = .float64(Self.exact(values))
        case .boolean(let values):
            var words = [UInt64](repeating: 0, count: (values.count + 63) / 64)
            for (i, v) in values.enumerated() where v { words[i >> 6] |= 1 << UInt64(i & 63) }
            self = .bits(words: words, count: values.count)
        case .uint128(let values):
            var index: [UInt128: Int64] = [:]
            var dict: [UInt128] = []
            var codes = [Int64](); codes.reserveCapacity(values.count)
            for v in values {
                if let c = index[v] { codes.append(c); continue }
                if dict.count * 2 > values.count { break }
                index[v] = Int64(dict.count); codes.append(Int64(dict.count)); dict.append(v)
            }
            if codes.count == values.count {
                self = .uint128Dictionary(codes: BitPackedInts(codes), dictionary: Self.exact(dict))
            } else {
                self = .uint128(Self.exact(values))
            }
        case .string(let strings):
            self = Self.encodeStrings(strings)
        case .dictionary(let codes, let dictionary):
            self = Self.encodeStrings(ColumnData.dictionary(codes: codes, dictionary: dictionary).plain().stringArray)
        }
    }

    private static func exact<T>(_ a: [T]) -> [T] {
        var out = [T](); out.reserveCapacity(a.count); out.append(contentsOf: a); return out
    }

    private static func encodeInts(_ values: [Int64]) -> EncodedColumn {
        let packed = BitPackedInts(values)
        guard values.count > 1, packed.width > 0 else { return .packed(packed) }
        var deltas = [Int64](repeating: 0, count: values.count - 1)
        for i in 1..<values.count { deltas[i - 1] = values[i] &- values[i - 1] }
        let d = BitPackedInts(deltas)
        return d.width < packed.width ? .delta(first: values[0], deltas: d) : .packed(packed)
    }

    private static func encodeStrings(_ strings: StringArray) -> EncodedColumn {
        var index: [String: Int64] = [:]
        var dict = StringArray()
        var codes = [Int64](); codes.reserveCapacity(strings.count)
        for i in 0..<strings.count {
            let s = strings[i]
            if let c = index[s] { codes.append(c); continue }
            if dict.count * 2 > strings.count + 16 { break }
            index[s] = Int64(dict.count); codes.append(Int64(dict.count)); dict.append(s)
        }
        if codes.count == strings.count {
            return .stringDictionary(codes: BitPackedInts(codes), dictionary: dict.compacted())
        }
        return .strings(strings.compacted())
    }

    /// The number of values.
    public var count: Int {
        switch self {
        case .packed(let p): p.count
        case .delta(_, let d): d.count + 1
        case .float64(let v): v.count
        case .bits(_, let n): n
        case .uint128Dictionary(let codes, _): codes.count
        case .uint128(let v): v.count
        case .stringDictionary(let codes, _): codes.count
        case .strings(let s): s.count
        }
    }

    /// Decodes into contiguous buffers; dictionary strings stay dictionary-encoded.
    public func decode() -> ColumnData {
        switch self {
        case .packed(let p):
            return .int64(p.unpacked())
        case .delta(let first, let deltas):
            let n = deltas.count + 1
            let values = [Int64](unsafeUninitializedCapacity: n) { buf, initialized in
                buf[0] = first
                let rest = UnsafeMutableBufferPointer(rebasing: buf[1...])
                deltas.unpack(into: rest)
                var acc = first
                for i in 1..<n { acc = acc &+ buf[i]; buf[i] = acc }
                initialized = n
            }
            return .int64(values)
        case .float64(let v):
            return .float64(v)
        case .bits(let words, let n):
            return .boolean((0..<n).map { words[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 })
        case .uint128Dictionary(let codes, let dict):
            let c = codes.unpacked()
            return .uint128(c.map { dict[Int($0)] })
        case .uint128(let v):
            return .uint128(v)
        case .stringDictionary(let codes, let dict):
            let c = codes.unpacked()
            return .dictionary(codes: c.map { UInt32(truncatingIfNeeded: $0) }, dictionary: dict)
        case .strings(let s):
            return .string(s)
        }
    }

    /// Bytes held by the encoded buffers.
    public var allocatedBytes: Int {
        switch self {
        case .packed(let p): p.allocatedBytes
        case .delta(_, let d): d.allocatedBytes + 8
        case .float64(let v): v.capacity * 8
        case .bits(let w, _): w.capacity * 8
        case .uint128Dictionary(let c, let d): c.allocatedBytes + d.capacity * 16
        case .uint128(let v): v.capacity * 16
        case .stringDictionary(let c, let d): c.allocatedBytes + d.allocatedBytes
        case .strings(let s): s.allocatedBytes
        }
    }
}

extension ColumnData {
    /// The plain string buffers of a `.string` column (empty for other kinds).
    var stringArray: StringArray {
        if case .string(let s) = self { return s }
        return StringArray()
    }
}

import SpriteStore

/// The binary columnar encoding of record batches between edges and the aggregator.
///
/// A batch is its row count (varint) and then each column of the schema (which travels once per
/// stream, see ``FragmentStream``) as `[tag u8][compressed u8][raw length varint][stored length
/// varint][stored bytes]`:
///
/// | tag | column | raw bytes |
/// |---|---|---|
/// | 1 | `INT64`, `TIME64NS` | zig-zag varints of the differences between consecutive values |
/// | 2 | `FLOAT64` | IEEE 754, 8 bytes little-endian each |
/// | 3 | `BOOLEAN` | one bit per value, least significant bit first |
/// | 4 | `UINT128` | 16 bytes each, low then high half, little-endian |
/// | 5 | `STRING` | varint byte lengths of the values, then their bytes |
/// | 6 | `STRING`, dictionary | entry count, entry lengths and bytes, then varint codes |
///
/// Sorted times and small keys become one or two bytes a value before compression. A column
/// whose raw bytes exceed ``compressionThreshold`` is deflated (zlib) when that saves at least a
/// tenth; the flag says which.
public enum BatchCodec {
    /// Columns smaller than this are never compressed.
    public static let compressionThreshold = 256
    /// The most rows one encoded batch may claim (a guard against malformed input).
    public static let maxRows = 1 << 24

    enum Tag: UInt8 {
        case int64 = 1, float64, boolean, uint128, string, dictionary
    }

    /// Appends the encoding of `batch` to `sink`.
    static func encode(_ batch: RecordBatch, into sink: inout ByteSink) {
        sink.varint(batch.count)
        for column in batch.columns {
            var raw = ByteSink(capacity: batch.count * 2 + 16)
            let tag = encode(column, into: &raw)
            sink.u8(tag.rawValue)
            if raw.bytes.count > compressionThreshold, let z = Deflate.compress(raw.bytes),
               z.count < raw.bytes.count - raw.bytes.count / 10 {
                sink.u8(1)
                sink.varint(raw.bytes.count)
                sink.varint(z.count)
                sink.append(z)
            } else {
                sink.u8(0)
                sink.varint(raw.bytes.count)
                sink.varint(raw.bytes.count)
                sink.append(raw.bytes)
            }
        }
    }

    static func encode(_ column: ColumnData, into out: inout ByteSink) -> Tag {
        switch column {
        case .int64(let v):
            var previous: Int64 = 0
            for x in v {
                out.zigzag(x &- previous)
                previous = x
            }
            return .int64
        case .float64(let v):
            for x in v { out.u64(x.bitPattern) }
            return .float64
        case .boolean(let v):
            var byte: UInt8 = 0
            for (i, x) in v.enumerated() {
                if x { byte |= 1 << UInt8(i & 7) }
                if i & 7 == 7 { out.u8(byte); byte = 0 }
            }
            if v.count & 7 != 0 { out.u8(byte) }
            return .boolean
        case .uint128(let v):
            for x in v {
                out.u64(UInt64(truncatingIfNeeded: x))
                out.u64(UInt64(truncatingIfNeeded: x >> 64))
            }
            return .uint128
        case .string(let s):
            let offsets = s.offsets
            for i in 0..<s.count { out.varint(Int(offsets[i + 1] - offsets[i])) }
            let bytes = s.bytes
            out.append(Array(bytes[Int(offsets[0])..<Int(offsets[s.count])]))
            return .string
        case .dictionary(let codes, let dictionary):
            // A slice of a large dictionary column is cheaper as plain strings.
            guard dictionary.count <= codes.count else {
                return encode(column.plain(), into: &out)
            }
            out.varint(dictionary.count)
            let offsets = dictionary.offsets
            for i in 0..<dictionary.count { out.varint(Int(offsets[i + 1] - offsets[i])) }
            out.append(Array(dictionary.bytes[Int(offsets[0])..<Int(offsets[dictionary.count])]))
            for c in codes { out.varint(UInt64(c)) }
            return .dictionary
        }
    }

    /// Reads one batch of `schema` from `source`.
    static func decode(_ source: inout ByteSource, schema: Schema) throws(ClusterError) -> RecordBatch {
        let rows = try source.count(max: maxRows)
        var columns: [ColumnData] = []
        columns.reserveCapacity(schema.count)
        for field in schema.fields {
            guard let tag = Tag(rawValue: try source.u8()) else { throw ByteSource.malformed("unknown column tag") }
            let compressed = try source.u8()
            let rawLength = try source.count(max: 1 << 31)
            let storedLength = try source.count(max: source.remaining)
            let stored = try source.take(storedLength)
            let raw: [UInt8]
            switch compressed {
            case 0:
                guard storedLength == rawLength else { throw ByteSource.malformed("length mismatch") }
                raw = Array(stored)
            case 1:
                // Deflate cannot expand more than ~1032x; anything claiming more is malformed.
                guard rawLength <= storedLength * 1100 + 64 else { throw ByteSource.malformed("implausible compressed length") }
                raw = try Deflate.decompress(stored, size: rawLength)
            default:
                throw ByteSource.malformed("unknown compression flag")
            }
            var column = ByteSource(raw)
            let data = try decode(tag, rows: rows, from: &column)
            guard column.remaining == 0 else { throw ByteSource.malformed("trailing bytes in column '\(field.name)'") }
            guard data.matches(field.type) else {
                throw ByteSource.malformed("column '\(field.name)' is not \(field.type.rawValue)")
            }
            columns.append(data)
        }
        return RecordBatch(unchecked: schema, columns: columns, count: rows)
    }

    static func decode(_ tag: Tag, rows: Int, from s: inout ByteSource) throws(ClusterError) -> ColumnData {
        switch tag {
        case .int64:
            var v = [Int64](); v.reserveCapacity(min(rows, s.remaining))
            var previous: Int64 = 0
            for _ in 0..<rows {
                previous = previous &+ (try s.zigzag())
                v.append(previous)
            }
            return .int64(v)
        case .float64:
            guard s.remaining == rows * 8 else { throw ByteSource.malformed("FLOAT64 column size") }
            var v = [Double](); v.reserveCapacity(rows)
            for _ in 0..<rows { v.append(Double(bitPattern: try s.u64())) }
            return .float64(v)
        case .boolean:
            let bytes = try s.take((rows + 7) / 8)
            var v = [Bool](); v.reserveCapacity(rows)
            let base = bytes.startIndex
            for i in 0..<rows { v.append(bytes[base + i / 8] & (1 << UInt8(i & 7)) != 0) }
            return .boolean(v)
        case .uint128:
            guard s.remaining == rows * 16 else { throw ByteSource.malformed("UINT128 column size") }
            var v = [UInt128](); v.reserveCapacity(rows)
            for _ in 0..<rows {
                let low = try s.u64(), high = try s.u64()
                v.append(UInt128(high) << 64 | UInt128(low))
            }
            return .uint128(v)
        case .string:
            return .string(try strings(rows, &s))
        case .dictionary:
            let n = try s.count(max: rows)
            let dictionary = try strings(n, &s)
            var codes = [UInt32](); codes.reserveCapacity(rows)
            for _ in 0..<rows {
                let c = try s.count(max: max(n - 1, 0))
                guard n > 0 else { throw ByteSource.malformed("code into an empty dictionary") }
                codes.append(UInt32(c))
            }
            return .dictionary(codes: codes, dictionary: dictionary)
        }
    }

    static func strings(_ n: Int, _ s: inout ByteSource) throws(ClusterError) -> StringArray {
        guard n <= s.remaining else { throw ByteSource.malformed("more strings than bytes") }
        var offsets = [UInt32](); offsets.reserveCapacity(n + 1)
        offsets.append(0)
        var total = 0
        for _ in 0..<n {
            total += try s.count(max: s.remaining)
            guard total <= Int(UInt32.max) else { throw ByteSource.malformed("string column too large") }
            offsets.append(UInt32(total))
        }
        let bytes = try s.take(total)
        return StringArray(offsets: offsets, bytes: Array(bytes))
    }
}

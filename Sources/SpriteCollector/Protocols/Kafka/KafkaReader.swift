/// Reads the Kafka wire types (https://kafka.apache.org/protocol#protocol_types) from a message:
/// big-endian integers, unsigned/zig-zag varints, strings and byte arrays in their classic
/// (int16/int32 length) and compact (varint length + 1) forms, arrays, UUIDs and tagged fields.
/// Every read returns nil past the end or on an impossible length; nothing traps.
struct KafkaReader {
    let bytes: [UInt8]
    private(set) var at: Int
    let end: Int

    init(_ bytes: [UInt8], at: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.at = at
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(0, end - at) }

    mutating func int8() -> Int? {
        guard at < end else { return nil }
        defer { at += 1 }
        return Int(Int8(bitPattern: bytes[at]))
    }

    mutating func int16() -> Int? {
        guard let v = unsigned(2) else { return nil }
        return Int(Int16(truncatingIfNeeded: v))
    }

    mutating func int32() -> Int? {
        guard let v = unsigned(4) else { return nil }
        return Int(Int32(truncatingIfNeeded: v))
    }

    mutating func int64() -> Int? {
        guard let v = unsigned(8) else { return nil }
        return Int(Int64(bitPattern: v))
    }

    mutating func bool() -> Bool? { int8().map { $0 != 0 } }

    private mutating func unsigned(_ n: Int) -> UInt64? {
        guard n <= remaining else { return nil }
        var v: UInt64 = 0
        for i in 0..<n { v = v << 8 | UInt64(bytes[at + i]) }
        at += n
        return v
    }

    /// An unsigned LEB128 varint of at most 5 bytes (32 bits).
    mutating func uvarint() -> Int? {
        var v = 0
        var shift = 0
        while shift <= 28 {
            guard at < end else { return nil }
            let b = bytes[at]
            at += 1
            v |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
        return nil
    }

    /// A zig-zag signed varint of at most 10 bytes (record fields).
    mutating func varint() -> Int? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while shift <= 63 {
            guard at < end else { return nil }
            let b = bytes[at]
            at += 1
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 {
                let decoded = Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
                return Int(decoded)
            }
            shift += 7
        }
        return nil
    }

    /// Skips `n` bytes.
    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, n <= remaining else { return false }
        at += n
        return true
    }

    /// The length of a string or byte array that follows: -1 for null, nil when malformed.
    private mutating func length(compact: Bool, wide: Bool) -> Int? {
        let n: Int?
        if compact { n = uvarint().map { $0 - 1 } } else { n = wide ? int32() : int16() }
        guard let n, n >= -1, n <= remaining else { return nil }
        return n
    }

    /// A (nullable) string: nil when malformed, `.some(nil)` for null.
    mutating func string(compact: Bool) -> String?? {
        guard let n = length(compact: compact, wide: false) else { return nil }
        if n < 0 { return .some(nil) }
        defer { at += n }
        return .some(String(decoding: bytes[at..<(at + n)], as: UTF8.self))
    }

    /// A string where null reads as "".
    mutating func text(compact: Bool) -> String? {
        guard let s = string(compact: compact) else { return nil }
        return s ?? ""
    }

    /// A (nullable) byte array: its range in `bytes`, `.some(nil)` for null.
    mutating func byteRange(compact: Bool) -> Range<Int>?? {
        guard let n = length(compact: compact, wide: true) else { return nil }
        if n < 0 { return .some(nil) }
        defer { at += n }
        return .some(at..<(at + n))
    }

    /// The element count of an array: -1 for null, nil when malformed or larger than the bytes
    /// left could hold (every element takes at least one byte).
    mutating func arrayCount(compact: Bool) -> Int? {
        let n: Int?
        if compact { n = uvarint().map { $0 - 1 } } else { n = int32() }
        guard let n, n >= -1, n <= remaining else { return nil }
        return n
    }

    /// A UUID as Kafka prints it: URL-safe base64 without padding (22 characters).
    mutating func uuid() -> String? {
        guard remaining >= 16 else { return nil }
        defer { at += 16 }
        return Self.base64URL(bytes[at..<(at + 16)])
    }

    /// Skips a tagged-fields section (flexible versions).
    mutating func skipTaggedFields() -> Bool {
        guard let count = uvarint(), count <= remaining else { return false }
        for _ in 0..<count {
            guard uvarint() != nil, let size = uvarint(), skip(size) else { return false }
        }
        return true
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func base64URL(_ b: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = b.startIndex
        while i < b.endIndex {
            let n = min(3, b.endIndex - i)
            var v = 0
            for k in 0..<3 { v = v << 8 | (k < n ? Int(b[i + k]) : 0) }
            for k in 0...n { out.append(alphabet[(v >> (18 - 6 * k)) & 63]) }
            i += n
        }
        return String(decoding: out, as: UTF8.self)
    }
}

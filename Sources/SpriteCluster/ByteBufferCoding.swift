/// Appends little-endian integers and LEB128 varints to a byte array.
struct ByteSink {
    var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func varint(_ v: Int) { varint(UInt64(v)) }

    /// A signed value, zig-zag encoded so small magnitudes take few bytes.
    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        varint(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// Reads what ``ByteSink`` wrote, checking every bound: malformed input throws, never traps.
struct ByteSource {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    static func malformed(_ what: String) -> ClusterError {
        ClusterError(.transport, "malformed batch stream: \(what)")
    }

    mutating func u8() throws(ClusterError) -> UInt8 {
        guard position < bytes.count else { throw Self.malformed("truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32() throws(ClusterError) -> UInt32 {
        guard remaining >= 4 else { throw Self.malformed("truncated") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * i) }
        position += 4
        return v
    }

    mutating func u64() throws(ClusterError) -> UInt64 {
        guard remaining >= 8 else { throw Self.malformed("truncated") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * i) }
        position += 8
        return v
    }

    mutating func varint() throws(ClusterError) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw Self.malformed("truncated varint") }
            let b = bytes[position]
            position += 1
            guard shift < 64 else { throw Self.malformed("varint too long") }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// A varint that is a count or length no larger than `limit`.
    mutating func count(max limit: Int) throws(ClusterError) -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw Self.malformed("count \(v) exceeds \(limit)") }
        return Int(v)
    }

    mutating func zigzag() throws(ClusterError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    mutating func take(_ n: Int) throws(ClusterError) -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw Self.malformed("truncated") }
        defer { position += n }
        return bytes[position..<position + n]
    }

    mutating func string() throws(ClusterError) -> String {
        let n = try count(max: remaining)
        return String(decoding: try take(n), as: UTF8.self)
    }
}

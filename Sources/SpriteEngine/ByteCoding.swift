import SpriteStore

/// Little-endian writer for serialized aggregate states.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func write(_ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }
    mutating func write(_ v: Int64) { write(UInt64(bitPattern: v)) }
    mutating func write(_ v: Double) { write(v.bitPattern) }
    mutating func write(_ v: Int32) { write(UInt64(UInt32(bitPattern: v))) }
    mutating func write(_ v: UInt128) { write(UInt64(truncatingIfNeeded: v)); write(UInt64(truncatingIfNeeded: v >> 64)) }
    mutating func write(_ v: UInt8) { bytes.append(v) }
    mutating func write(bytes b: some Collection<UInt8>) { write(UInt64(b.count)); bytes.append(contentsOf: b) }
}

/// Little-endian reader for serialized aggregate states.
struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func readUInt64() throws(EngineError) -> UInt64 {
        guard position + 8 <= bytes.count else { throw EngineError(.corruptState, "truncated partial aggregate state") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << UInt64(8 * k) }
        position += 8
        return v
    }
    mutating func readInt64() throws(EngineError) -> Int64 { Int64(bitPattern: try readUInt64()) }
    mutating func readDouble() throws(EngineError) -> Double { Double(bitPattern: try readUInt64()) }
    mutating func readInt32() throws(EngineError) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: try readUInt64())) }
    mutating func readUInt128() throws(EngineError) -> UInt128 {
        let lo = try readUInt64(), hi = try readUInt64()
        return UInt128(lo) | (UInt128(hi) << 64)
    }
    mutating func readUInt8() throws(EngineError) -> UInt8 {
        guard position < bytes.count else { throw EngineError(.corruptState, "truncated partial aggregate state") }
        position += 1
        return bytes[position - 1]
    }
    mutating func readBytes() throws(EngineError) -> UnsafeBufferPointer<UInt8> {
        let n = Int(try readUInt64())
        guard n >= 0, position + n <= bytes.count else { throw EngineError(.corruptState, "truncated partial aggregate state") }
        defer { position += n }
        return UnsafeBufferPointer(rebasing: bytes[position..<(position + n)])
    }
}

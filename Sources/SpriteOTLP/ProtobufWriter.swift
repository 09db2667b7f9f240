/// Protocol Buffers wire-format encoding: just what OTLP's messages need.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// A varint field (int32/int64/uint/enum/bool), omitted when zero (proto3 default).
    mutating func uint(_ field: Int, _ v: UInt64) {
        guard v != 0 else { return }
        tag(field, 0); varint(v)
    }

    mutating func int(_ field: Int, _ v: Int64) { uint(field, UInt64(bitPattern: v)) }

    mutating func bool(_ field: Int, _ v: Bool) { uint(field, v ? 1 : 0) }

    /// A fixed64 field, omitted when zero.
    mutating func fixed64(_ field: Int, _ v: UInt64) {
        guard v != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func fixed32(_ field: Int, _ v: UInt32) {
        guard v != 0 else { return }
        tag(field, 5)
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A double field; `always` writes it even when zero (for oneof members and optional fields).
    mutating func double(_ field: Int, _ v: Double, always: Bool = false) {
        guard always || v != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func sfixed64(_ field: Int, _ v: Int64, always: Bool = false) {
        guard always || v != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ field: Int, _ s: String, always: Bool = false) {
        guard always || !s.isEmpty else { return }
        tag(field, 2)
        var s = s
        s.withUTF8 { buf in
            varint(UInt64(buf.count))
            bytes.append(contentsOf: buf)
        }
    }

    mutating func data(_ field: Int, _ d: [UInt8], always: Bool = false) {
        guard always || !d.isEmpty else { return }
        tag(field, 2); varint(UInt64(d.count)); bytes.append(contentsOf: d)
    }

    /// An embedded message written by `body`, always present.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        tag(field, 2); varint(UInt64(inner.bytes.count)); bytes.append(contentsOf: inner.bytes)
    }

    mutating func packedFixed64(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, 2); varint(UInt64(values.count * 8))
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    }

    mutating func packedDouble(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        tag(field, 2); varint(UInt64(values.count * 8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    }
}

/// Reads the few fields of OTLP responses that matter (partial success).
struct ProtobufReader {
    let bytes: [UInt8]
    var pos = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func varint() -> UInt64? {
        var result: UInt64 = 0, shift: UInt64 = 0
        while pos < bytes.count, shift < 64 {
            let b = bytes[pos]; pos += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// Calls `body` with each field's number and its value: a varint, or the bytes of a
    /// length-delimited field; other wire types are skipped. Stops at malformed input.
    mutating func fields(_ body: (Int, UInt64?, ArraySlice<UInt8>?) -> Void) {
        while pos < bytes.count {
            guard let key = varint() else { return }
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: guard let v = varint() else { return }; body(field, v, nil)
            case 1: pos += 8
            case 5: pos += 4
            case 2:
                guard let n = varint(), pos + Int(n) <= bytes.count else { return }
                body(field, nil, bytes[pos..<(pos + Int(n))]); pos += Int(n)
            default: return
            }
        }
    }
}

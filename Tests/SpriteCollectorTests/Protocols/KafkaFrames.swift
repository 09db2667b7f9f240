/// Builds Kafka messages byte by byte for the session tests (independent of the decoder).
struct KafkaFrames {
    var b: [UInt8] = []
    let compact: Bool

    init(compact: Bool) { self.compact = compact }

    mutating func i8(_ v: Int) { b.append(UInt8(truncatingIfNeeded: v)) }
    mutating func i16(_ v: Int) { b += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    mutating func i32(_ v: Int) { for s in stride(from: 24, through: 0, by: -8) { b.append(UInt8(truncatingIfNeeded: v >> s)) } }
    mutating func i64(_ v: Int) { for s in stride(from: 56, through: 0, by: -8) { b.append(UInt8(truncatingIfNeeded: v >> s)) } }
    mutating func uvarint(_ v: Int) {
        var v = UInt64(v)
        while v >= 0x80 { b.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        b.append(UInt8(v))
    }
    /// A (nullable) string in the encoding of the message (compact or classic).
    mutating func str(_ s: String?) {
        guard let s else { if compact { uvarint(0) } else { i16(-1) }; return }
        if compact { uvarint(s.utf8.count + 1) } else { i16(s.utf8.count) }
        b += Array(s.utf8)
    }
    mutating func bytes(_ d: [UInt8]?) {
        guard let d else { if compact { uvarint(0) } else { i32(-1) }; return }
        if compact { uvarint(d.count + 1) } else { i32(d.count) }
        b += d
    }
    mutating func count(_ n: Int) { if compact { uvarint(n + 1) } else { i32(n) } }
    mutating func tags() { if compact { uvarint(0) } }
    mutating func uuid(_ u: [UInt8]) { b += u }

    /// A request: size, header v1 (classic) or v2 (flexible: client id stays classic, then tags).
    static func request(key: Int, version: Int, correlation: Int, client: String?, flexible: Bool, body: (inout KafkaFrames) -> Void) -> [UInt8] {
        var h = KafkaFrames(compact: false)
        h.i16(key); h.i16(version); h.i32(correlation); h.str(client)
        if flexible { h.uvarint(0) }
        var m = KafkaFrames(compact: flexible)
        body(&m)
        var out = KafkaFrames(compact: false)
        out.i32(h.b.count + m.b.count)
        return out.b + h.b + m.b
    }

    /// A response: size, correlation id, tags when `headerTags` (header v1), body.
    static func response(correlation: Int, flexible: Bool, headerTags: Bool? = nil, body: (inout KafkaFrames) -> Void) -> [UInt8] {
        var m = KafkaFrames(compact: flexible)
        m.i32(correlation)
        if headerTags ?? flexible { m.uvarint(0) }
        body(&m)
        var out = KafkaFrames(compact: false)
        out.i32(m.b.count)
        return out.b + m.b
    }

    /// A v2 record batch holding `records` records (their bodies are opaque to the decoder).
    static func recordBatch(baseOffset: Int, records: Int, payload: Int = 10) -> [UInt8] {
        var body = KafkaFrames(compact: false)
        body.i32(0)            // partition leader epoch
        body.i8(2)             // magic
        body.i32(0)            // crc (not checked)
        body.i16(0)            // attributes
        body.i32(records - 1)  // last offset delta
        body.i64(1_700_000_000_000); body.i64(1_700_000_000_000)
        body.i64(-1); body.i16(-1); body.i32(-1)
        body.i32(records)
        body.b += [UInt8](repeating: 0x41, count: records * payload)
        var out = KafkaFrames(compact: false)
        out.i64(baseOffset)
        out.i32(body.b.count)
        return out.b + body.b
    }
}

/// One MySQL protocol packet (https://dev.mysql.com/doc/dev/mysql-server/latest/PAGE_PROTOCOL.html):
/// 3-byte little-endian payload length, sequence id, payload.
struct MySQLPacket: Sendable, Equatable {
    var sequence: UInt8
    var payload: [UInt8]
}

/// Cuts one direction of a MySQL connection into packets.
struct MySQLParser: FrameParser {
    let side: MessageSide

    mutating func parse(_ b: UnsafeRawBufferPointer) -> FrameParse<MySQLPacket> {
        guard b.count >= 4 else { return .needMore(payloadUntil: nil) }
        let length = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16
        let total = 4 + length
        guard b.count >= total else { return .needMore(payloadUntil: total) }
        return .frame(MySQLPacket(sequence: b[3], payload: Array(UnsafeRawBufferPointer(rebasing: b[4..<total]))), consumed: total)
    }

    /// A command (sequence 0, a known command byte) on the request side; any packet start with a
    /// small sequence number on the response side.
    func canResume(at b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 5 else { return false }
        let length = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16
        guard length > 0 && length < 1 << 24 - 1 else { return false }
        if side == .request { return b[3] == 0 && b[4] <= 0x1F }
        return b[3] >= 1 && b[3] < 16
    }
}

/// Reads little-endian and length-encoded fields of a payload.
struct MySQLReader {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8], at: Int = 0) {
        self.bytes = bytes
        self.at = at
    }

    mutating func int(_ n: Int) -> Int? {
        guard n > 0, at + n <= bytes.count else { return nil }
        var v = 0
        for i in 0..<n { v |= Int(bytes[at + i]) << (8 * i) }
        at += n
        return v
    }

    /// A length-encoded integer (0xFB, the NULL marker, reads as nil).
    mutating func lenenc() -> Int? {
        guard at < bytes.count else { return nil }
        let first = bytes[at]
        at += 1
        switch first {
        case 0..<0xFB: return Int(first)
        case 0xFC: return int(2)
        case 0xFD: return int(3)
        case 0xFE:
            guard let v = int(8), v >= 0 else { return nil }
            return v
        default: return nil
        }
    }

    mutating func rest() -> ArraySlice<UInt8> {
        defer { at = bytes.count }
        return at < bytes.count ? bytes[at...] : []
    }
}

/// One PostgreSQL protocol message (https://www.postgresql.org/docs/current/protocol-message-formats.html).
struct PGMessage: Sendable, Equatable {
    /// The type byte; 0 for the untyped startup-phase messages (StartupMessage, SSLRequest, ...).
    var type: UInt8
    /// The bytes after the length (for the single-byte SSL reply: empty).
    var payload: [UInt8]

    /// Codes of the untyped startup-phase messages.
    static let protocol3: UInt32 = 196_608
    static let sslRequest: UInt32 = 80_877_103
    static let gssEncRequest: UInt32 = 80_877_104
    static let cancelRequest: UInt32 = 80_877_102
}

/// Reads the fields of a message payload.
struct PGReader {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at >= bytes.count }

    mutating func byte() -> UInt8? {
        guard at < bytes.count else { return nil }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func int16() -> Int? {
        guard at + 2 <= bytes.count else { return nil }
        defer { at += 2 }
        return Int(Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])))
    }

    mutating func int32() -> Int? {
        guard at + 4 <= bytes.count else { return nil }
        defer { at += 4 }
        return Int(Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])))
    }

    /// A NUL-terminated string.
    mutating func cString() -> String? {
        guard let end = bytes[at...].firstIndex(of: 0) else { return nil }
        defer { at = end + 1 }
        return String(decoding: bytes[at..<end], as: UTF8.self)
    }

    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, at + n <= bytes.count else { return nil }
        defer { at += n }
        return bytes[at..<(at + n)]
    }
}

/// Cuts one direction of a PostgreSQL connection into messages.
struct PGParser: FrameParser {
    let side: MessageSide
    /// Untyped startup messages may still come (request side, until a StartupMessage).
    var startupAllowed = true
    /// The next response byte answers an SSLRequest or GSSENCRequest ('S' or 'N', alone).
    var expectEncryptionReply = false
    /// Messages larger than this are treated as corrupt.
    static let maxLength = 1 << 30

    static let frontendTypes: Set<UInt8> = Set("QPBDESHCXpFdcf".utf8)
    static let backendTypes: Set<UInt8> = Set("RKSZTDCEN123ntsIAGHWVvcd".utf8)

    mutating func parse(_ b: UnsafeRawBufferPointer) -> FrameParse<PGMessage> {
        guard let first = b.first else { return .needMore(payloadUntil: nil) }
        if side == .response && (expectEncryptionReply || (first == UInt8(ascii: "N") && b.count >= 2 && b[1] != 0)) {
            // A lone 'N' or 'S': the answer to SSLRequest / GSSENCRequest.
            guard first == UInt8(ascii: "N") || first == UInt8(ascii: "S") || first == UInt8(ascii: "G") else { return .invalid }
            expectEncryptionReply = false
            return .frame(PGMessage(type: first, payload: []), consumed: 1)
        }
        if side == .request && startupAllowed && first == 0 {
            guard b.count >= 8 else { return .needMore(payloadUntil: nil) }
            let length = Int(Self.be32(b, 0))
            guard length >= 8, length <= 10_000 else { return .invalid }
            let code = Self.be32(b, 4)
            guard code == PGMessage.protocol3 || code == PGMessage.sslRequest || code == PGMessage.gssEncRequest
                || code == PGMessage.cancelRequest || code >> 16 == 3 else { return .invalid }
            guard b.count >= length else { return .needMore(payloadUntil: nil) }
            if code >> 16 == 3 { startupAllowed = false }
            return .frame(PGMessage(type: 0, payload: Array(UnsafeRawBufferPointer(rebasing: b[4..<length]))), consumed: length)
        }
        guard (side == .request ? Self.frontendTypes : Self.backendTypes).contains(first) else { return .invalid }
        if side == .request { startupAllowed = false }
        guard b.count >= 5 else { return .needMore(payloadUntil: nil) }
        let length = Int(Self.be32(b, 1))
        guard length >= 4, length <= Self.maxLength else { return .invalid }
        let total = length + 1
        guard b.count >= total else { return .needMore(payloadUntil: total) }
        return .frame(PGMessage(type: first, payload: Array(UnsafeRawBufferPointer(rebasing: b[5..<total]))), consumed: total)
    }

    func canResume(at b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 5 else { return false }
        let types = side == .request ? Self.frontendTypes : Self.backendTypes
        let length = Self.be32(b, 1)
        return types.contains(b[0]) && length >= 4 && length < 1 << 24
    }

    static func be32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}

/// One Kafka message without its 4-byte length prefix: a request (header v0–v2 and body) or a
/// response (correlation id, tagged fields in header v1, body).
struct KafkaFrame: Sendable, Equatable {
    var bytes: [UInt8]

    var correlationID: Int32 {
        bytes.count >= 4 ? Int32(bitPattern: UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])) : -1
    }
}

/// A request header: `api_key`, `api_version`, `correlation_id`, `client_id` (header v1+; a
/// classic nullable string even in flexible versions) and tagged fields (header v2).
struct KafkaRequestHeader: Sendable, Equatable {
    var apiKey: Int
    var apiVersion: Int
    var correlationID: Int32
    var clientID: String
    /// Offset of the body in the frame.
    var bodyOffset: Int

    var flexible: Bool { KafkaAPI.isFlexible(apiKey, version: apiVersion) }

    /// Parses the header of a request frame; nil when it is no plausible Kafka request.
    init?(_ frame: KafkaFrame) {
        var r = KafkaReader(frame.bytes)
        guard let key = r.int16(), let version = r.int16(), let correlation = r.int32(),
              KafkaAPI.isKnown(key), version >= 0, version <= KafkaAPI.maxVersion, correlation >= 0 else { return nil }
        apiKey = key
        apiVersion = version
        correlationID = Int32(correlation)
        // ControlledShutdown v0 is the one request with header v0 (no client id).
        if key == 7 && version == 0 {
            clientID = ""
        } else {
            guard let id = r.string(compact: false) else { return nil }
            clientID = id ?? ""
        }
        if KafkaAPI.isFlexible(key, version: version) && !(key == 7 && version == 0) {
            guard r.skipTaggedFields() else { return nil }
        }
        bodyOffset = r.at
    }
}

/// Cuts one direction of a Kafka connection into messages (int32 big-endian size, then that many
/// bytes). Requests must carry a plausible header; responses only a non-negative correlation id.
struct KafkaParser: FrameParser {
    let side: MessageSide
    /// Largest message accepted (Kafka's default `socket.request.max.bytes` is 100 MiB).
    static let maxMessage = 100 << 20

    mutating func parse(_ b: UnsafeRawBufferPointer) -> FrameParse<KafkaFrame> {
        guard b.count >= 4 else { return .needMore(payloadUntil: nil) }
        let size = Int(Int32(bitPattern: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])))
        guard size >= (side == .request ? 10 : 4), size <= Self.maxMessage else { return .invalid }
        if side == .request, b.count >= 12, !Self.plausibleRequest(b) { return .invalid }
        let total = 4 + size
        guard b.count >= total else { return .needMore(payloadUntil: total) }
        return .frame(KafkaFrame(bytes: Array(UnsafeRawBufferPointer(rebasing: b[4..<total]))), consumed: total)
    }

    func canResume(at b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 8 else { return false }
        let size = Int(Int32(bitPattern: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])))
        guard size >= (side == .request ? 10 : 4), size <= Self.maxMessage, b[4] & 0x80 == 0 else { return false }
        return side == .response || (b.count >= 12 && Self.plausibleRequest(b))
    }

    /// A known API key, a version in range and a non-negative correlation id after the size.
    static func plausibleRequest(_ b: UnsafeRawBufferPointer) -> Bool {
        let key = Int(Int16(bitPattern: UInt16(b[4]) << 8 | UInt16(b[5])))
        let version = Int(Int16(bitPattern: UInt16(b[6]) << 8 | UInt16(b[7])))
        return KafkaAPI.isKnown(key) && version >= 0 && version <= KafkaAPI.maxVersion && b[8] & 0x80 == 0
    }
}

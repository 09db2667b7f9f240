/// One HTTP/2 frame (RFC 9113 §4.1), or the client connection preface.
struct HTTP2Frame: Sendable, Equatable {
    /// Frame types Sprite knows (others are skipped, as the RFC requires of endpoints).
    enum Kind: UInt8, Sendable {
        case data = 0, headers = 1, priority = 2, rstStream = 3, settings = 4, pushPromise = 5
        case ping = 6, goAway = 7, windowUpdate = 8, continuation = 9
    }

    /// Flag bits.
    static let endStream: UInt8 = 0x1
    static let ack: UInt8 = 0x1
    static let endHeaders: UInt8 = 0x4
    static let padded: UInt8 = 0x8
    static let priorityFlag: UInt8 = 0x20

    /// The 24 bytes a client sends first: `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let headerSize = 9
    /// Largest frame payload accepted when looking for a frame start (SETTINGS_MAX_FRAME_SIZE
    /// may go up to 2^24 - 1, but no implementation Sprite knows sends frames near that).
    static let plausibleLength = 1 << 20

    /// The type byte (possibly one Sprite does not know).
    var type: UInt8
    var flags: UInt8
    var streamID: UInt32
    /// The payload as received (padding included).
    var payload: [UInt8]
    /// Whether this is the client preface rather than a frame.
    var isPreface = false

    var kind: Kind? { Kind(rawValue: type) }
    func has(_ flag: UInt8) -> Bool { flags & flag != 0 }

    /// The part of a DATA, HEADERS or PUSH_PROMISE payload that carries data or a header block
    /// fragment: padding, the priority fields and the promised stream id removed. `nil` when the
    /// padding length does not fit in the payload (a connection error in the RFC).
    func content() -> Range<Int>? {
        var start = 0, end = payload.count
        if has(Self.padded) && (kind == .data || kind == .headers || kind == .pushPromise) {
            guard end >= 1 else { return nil }
            let pad = Int(payload[0])
            start = 1
            guard end - start >= pad else { return nil }
            end -= pad
        }
        if kind == .headers && has(Self.priorityFlag) { start += 5 }
        if kind == .pushPromise { start += 4 }
        return start <= end ? start..<end : nil
    }

    /// The promised stream of a PUSH_PROMISE.
    var promisedStreamID: UInt32? {
        guard kind == .pushPromise, let c = content() else { return nil }
        let i = c.lowerBound - 4
        guard i >= 0 else { return nil }
        return Self.be32(payload, i) & 0x7FFF_FFFF
    }

    /// The error code of RST_STREAM and GOAWAY.
    var errorCode: UInt32? {
        switch kind {
        case .rstStream where payload.count >= 4: Self.be32(payload, 0)
        case .goAway where payload.count >= 8: Self.be32(payload, 4)
        default: nil
        }
    }

    /// SETTINGS parameters as (identifier, value) pairs.
    var settings: [(UInt16, UInt32)] {
        guard kind == .settings else { return [] }
        var out: [(UInt16, UInt32)] = []
        var i = 0
        while i + 6 <= payload.count {
            out.append((UInt16(payload[i]) << 8 | UInt16(payload[i + 1]), Self.be32(payload, i + 2)))
            i += 6
        }
        return out
    }

    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    /// The name of an HTTP/2 error code (RFC 9113 §7).
    static func errorName(_ code: UInt32) -> String {
        let names = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
                     "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
                     "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
        return code < names.count ? names[Int(code)] : "0x" + String(code, radix: 16)
    }
}

/// Cuts one direction of an HTTP/2 connection into frames (the client's preface included).
struct HTTP2FrameParser: FrameParser {
    /// Largest payload accepted (bigger frames are treated as corruption).
    var maxFrameSize: Int

    init(maxFrameSize: Int = HTTP2Frame.plausibleLength) { self.maxFrameSize = maxFrameSize }

    mutating func parse(_ bytes: UnsafeRawBufferPointer) -> FrameParse<HTTP2Frame> {
        if bytes.first == UInt8(ascii: "P") {
            let n = min(bytes.count, HTTP2Frame.preface.count)
            guard bytes.prefix(n).elementsEqual(HTTP2Frame.preface.prefix(n)) else { return .invalid }
            if n < HTTP2Frame.preface.count { return .needMore(payloadUntil: nil) }
            return .frame(HTTP2Frame(type: 0xFF, flags: 0, streamID: 0, payload: [], isPreface: true), consumed: n)
        }
        guard bytes.count >= HTTP2Frame.headerSize else { return .needMore(payloadUntil: nil) }
        let length = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        guard length <= maxFrameSize else { return .invalid }
        let type = bytes[3]
        let total = HTTP2Frame.headerSize + length
        guard bytes.count >= total else {
            // Bytes lost inside DATA are opaque; anywhere else they break the header blocks.
            return .needMore(payloadUntil: type == HTTP2Frame.Kind.data.rawValue ? total : nil)
        }
        let stream = UInt32(bytes[5]) << 24 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 8 | UInt32(bytes[8])
        let frame = HTTP2Frame(type: type, flags: bytes[4], streamID: stream & 0x7FFF_FFFF,
                               payload: Array(bytes[HTTP2Frame.headerSize..<total]))
        return .frame(frame, consumed: total)
    }

    func canResume(at bytes: UnsafeRawBufferPointer) -> Bool {
        Self.isPlausibleFrameStart(bytes)
    }

    /// Whether `bytes` begin with the client preface or a frame header that is valid for its
    /// type (stream id, flags and length rules of RFC 9113 §6): what the first bytes of a write
    /// look like, used to start decoding mid-connection.
    static func isPlausibleFrameStart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if bytes.count >= 16 && bytes.prefix(16).elementsEqual(HTTP2Frame.preface.prefix(16)) { return true }
        guard bytes.count >= HTTP2Frame.headerSize else { return false }
        let length = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        guard length <= HTTP2Frame.plausibleLength, bytes[5] & 0x80 == 0 else { return false }
        let flags = bytes[4]
        let stream = UInt32(bytes[5]) << 24 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 8 | UInt32(bytes[8])
        guard let kind = HTTP2Frame.Kind(rawValue: bytes[3]) else { return false }
        switch kind {
        case .data: return stream != 0 && flags & ~0x09 == 0
        case .headers: return stream != 0 && length >= 1 && flags & ~0x2D == 0
        case .priority: return stream != 0 && length == 5 && flags == 0
        case .rstStream: return stream != 0 && length == 4 && flags == 0
        case .settings: return stream == 0 && length % 6 == 0 && flags & ~0x01 == 0 && (flags == 0 || length == 0)
        case .pushPromise: return stream != 0 && length >= 4 && flags & ~0x0C == 0
        case .ping: return stream == 0 && length == 8 && flags & ~0x01 == 0
        case .goAway: return stream == 0 && length >= 8 && flags == 0
        case .windowUpdate: return length == 4 && flags == 0
        case .continuation: return stream != 0 && flags & ~0x04 == 0
        }
    }
}

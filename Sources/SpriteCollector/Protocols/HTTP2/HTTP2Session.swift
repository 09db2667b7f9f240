/// Follows the streams of one HTTP/2 connection (h2c, or h2 plaintext from the TLS capture) and
/// turns each finished stream into an `http_events` row with `major_version` 2.
///
/// Frames (preface, SETTINGS, HEADERS + CONTINUATION, DATA, RST_STREAM, GOAWAY, PUSH_PROMISE,
/// padding and priority fields) are parsed here; header blocks are decoded by one
/// ``HPACKDecoder`` per direction, kept for the connection's life. A stream becomes a row when
/// both endpoints have ended it (END_STREAM both ways) or when it is reset; trailers (gRPC's
/// `grpc-status`, `grpc-message`) are added to the response headers. At most
/// ``ProtocolLimits/maxPending`` streams, holding at most ``ProtocolLimits/maxBufferBytes`` of
/// headers and bodies together, are followed at once per connection (the oldest are dropped and
/// counted as unmatched); bodies are kept up to the text limit.
///
/// A direction whose start was not seen (the connection was open before tracing began) is
/// decoded from the first plausible frame header on, without the HPACK dynamic table: rows of
/// its streams carry what is certain and count the rest under `":incomplete"` in their headers.
final class HTTP2Session: ProtocolSession {
    /// One endpoint's byte stream.
    private final class Direction {
        var frames: FrameStream<HTTP2FrameParser>
        var decoder: HPACKDecoder?
        /// Whether this endpoint is the client (sends requests); corrected from the headers.
        var isClient: Bool
        /// Waiting for a frame start before decoding (the first bytes seen were mid-frame).
        var seekingFrame = false
        /// Frame errors already accounted for (each one loses the dynamic table).
        var seenErrors = 0
        /// A header block being collected (HEADERS or PUSH_PROMISE, then CONTINUATION).
        var block: [UInt8] = []
        var blockStream: UInt32 = 0
        var blockEndsStream = false
        var blockPromise: UInt32?
        var blockStart: UInt64 = 0
        var inBlock = false

        init(isClient: Bool, maxBufferBytes: Int) {
            self.isClient = isClient
            frames = FrameStream(parser: HTTP2FrameParser(), maxBufferBytes: maxBufferBytes)
        }
    }

    private let limits: ProtocolLimits
    private let request: Direction
    private let response: Direction
    private var streams: [UInt32: HTTP2Stream] = [:]
    private var rolesChecked = false
    private var frameErrors = 0
    /// Header and body bytes held by the open streams.
    private(set) var heldBytes = 0
    private(set) var unmatched = 0

    var errors: Int { request.frames.errors + response.frames.errors + frameErrors }

    init(limits: ProtocolLimits) {
        self.limits = limits
        request = Direction(isClient: true, maxBufferBytes: limits.maxBufferBytes)
        response = Direction(isClient: false, maxBufferBytes: limits.maxBufferBytes)
    }

    /// Streams currently followed.
    var openStreams: Int { streams.count }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        let d = side == .request ? request : response
        if d.decoder == nil { begin(d, bytes) }
        if d.seekingFrame {
            guard HTTP2FrameParser.isPlausibleFrameStart(bytes) else { return [] }
            d.seekingFrame = false
        }
        return handle(d.frames.feed(bytes, time: time), on: d)
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        let d = side == .request ? request : response
        guard d.decoder != nil, !d.seekingFrame else { return [] }
        return handle(d.frames.skip(count, time: time), on: d)
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        var out: [ProtocolRecord] = []
        for id in streams.keys.sorted() {
            guard let s = streams[id] else { continue }
            // A response that ended is a whole answer even if the request's end was not seen.
            if s.response.ended && s.request.hasHeaders { out.append(s.record(limit: limits.textLimit)) } else { unmatched += 1 }
        }
        streams.removeAll()
        heldBytes = 0
        return out
    }

    // MARK: - Frames

    /// The first bytes of a direction: whether the connection's start is in view decides
    /// whether its HPACK dynamic table can be followed.
    private func begin(_ d: Direction, _ bytes: UnsafeRawBufferPointer) {
        let n = min(bytes.count, HTTP2Frame.preface.count)
        let preface = n > 0 && bytes.prefix(n).elementsEqual(HTTP2Frame.preface.prefix(n))
        // The server's first frame is a SETTINGS frame without ACK (RFC 9113 §3.4).
        // (Fewer than 9 bytes: what there is must agree.)
        let h = bytes.prefix(HTTP2Frame.headerSize)
        let serverPreface = (h.count < 4 || h[3] == HTTP2Frame.Kind.settings.rawValue)
            && (h.count < 5 || h[4] & HTTP2Frame.ack == 0) && h.dropFirst(5).allSatisfy { $0 == 0 }
        if preface && !d.isClient { swapRoles() }
        d.decoder = HPACKDecoder(tracksDynamicTable: preface || (serverPreface && !d.isClient))
        // Too few bytes to judge a frame header: let the parser decide (it resynchronises).
        d.seekingFrame = !preface && bytes.count >= HTTP2Frame.headerSize && !HTTP2FrameParser.isPlausibleFrameStart(bytes)
    }

    private func swapRoles() {
        guard !rolesChecked else { return }
        rolesChecked = true
        request.isClient.toggle()
        response.isClient.toggle()
    }

    private func handle(_ frames: [Timed<HTTP2Frame>], on d: Direction) -> [ProtocolRecord] {
        var out: [ProtocolRecord] = []
        for f in frames { frame(f, on: d, into: &out) }
        if d.frames.errors != d.seenErrors {
            // Bytes were dropped while resynchronising: header blocks may be among them.
            d.seenErrors = d.frames.errors
            d.decoder?.loseDynamicTable()
            d.inBlock = false
            d.block = []
        }
        return out
    }

    private func frame(_ t: Timed<HTTP2Frame>, on d: Direction, into out: inout [ProtocolRecord]) {
        let f = t.frame
        if f.isPreface { return }
        if d.inBlock && (f.kind != .continuation || f.streamID != d.blockStream) {
            // A header block must continue with CONTINUATION frames on its stream.
            fail(d)
        }
        switch f.kind {
        case .data:
            guard let c = f.content() else { return fail(d) }
            guard var s = streams[f.streamID] else { return }
            if d.isClient {
                s.request.addData(f.payload[c], limit: limits.textLimit)
                if f.has(HTTP2Frame.endStream) { s.request.ended = true }
            } else {
                s.response.addData(f.payload[c], limit: limits.textLimit)
                if f.has(HTTP2Frame.endStream) {
                    s.response.ended = true
                    s.end = t.end
                }
            }
            update(s, into: &out)
        case .headers, .pushPromise:
            guard let c = f.content(), f.streamID != 0 else { return fail(d) }
            d.inBlock = true
            d.block = Array(f.payload[c])
            d.blockStream = f.streamID
            d.blockEndsStream = f.kind == .headers && f.has(HTTP2Frame.endStream)
            d.blockPromise = f.promisedStreamID
            d.blockStart = t.start
            if f.has(HTTP2Frame.endHeaders) { endBlock(d, time: t.end, into: &out) }
        case .continuation:
            guard d.inBlock else { return fail(d) }
            guard d.block.count + f.payload.count <= limits.maxBufferBytes else { return fail(d) }
            d.block += f.payload
            if f.has(HTTP2Frame.endHeaders) { endBlock(d, time: t.end, into: &out) }
        case .rstStream:
            guard var s = streams.removeValue(forKey: f.streamID) else { return }
            heldBytes -= s.held
            s.resetCode = f.errorCode
            s.end = t.end
            if s.request.hasHeaders { out.append(s.record(limit: limits.textLimit)) }
        case .settings:
            guard !f.has(HTTP2Frame.ack) else { return }
            // The header table size an endpoint allows applies to what its peer encodes.
            let peer = d === request ? response : request
            for (id, value) in f.settings where id == 1 { peer.decoder?.allowTableSize(Int(value)) }
        default:
            // PRIORITY, PING, GOAWAY, WINDOW_UPDATE and unknown types carry nothing for rows;
            // streams a GOAWAY abandons end with the connection.
            break
        }
    }

    /// A frame that breaks the protocol: counted, and the header state of the direction is lost.
    private func fail(_ d: Direction) {
        frameErrors += 1
        d.inBlock = false
        d.block = []
        d.decoder?.loseDynamicTable()
    }

    private func endBlock(_ d: Direction, time: UInt64, into out: inout [ProtocolRecord]) {
        d.inBlock = false
        let bytes = d.block
        d.block = []
        guard let block = d.decoder?.decode(bytes) else {
            frameErrors += 1
            return
        }
        if !rolesChecked, block.value(":status") != nil || block.value(":method") != nil {
            // Trace roles of connections seen mid-flight may be unknown: the headers tell.
            if (block.value(":status") != nil) == d.isClient { swapRoles() }
            rolesChecked = true
        }
        if let promised = d.blockPromise {
            // A pushed response: the promise carries the request it answers.
            guard !d.isClient else { return }
            var s = HTTP2Stream(id: promised, start: d.blockStart)
            s.request.add(block)
            s.request.ended = true
            insert(s)
            return
        }
        let id = d.blockStream
        if d.isClient {
            var s = streams[id] ?? insert(HTTP2Stream(id: id, start: d.blockStart))
            s.request.add(block)
            if d.blockEndsStream { s.request.ended = true }
            update(s, into: &out)
        } else {
            guard var s = streams[id] else {
                // The stream began before tracing (or was dropped): nothing to pair with.
                if block.value(":status") != nil { unmatched += 1 }
                return
            }
            if let status = block.value(":status").flatMap(Int.init), status >= 100 && status < 200 && status != 101 {
                // Informational responses precede the real one.
            } else {
                s.response.add(block)
            }
            if d.blockEndsStream {
                s.response.ended = true
                s.end = time
            }
            update(s, into: &out)
        }
    }

    /// Starts following a stream, dropping the oldest when too many are open.
    @discardableResult
    private func insert(_ s: HTTP2Stream) -> HTTP2Stream {
        if streams[s.id] == nil && streams.count >= limits.maxPending, let oldest = streams.keys.min() {
            drop(oldest)
        }
        heldBytes += s.held - (streams[s.id]?.held ?? 0)
        streams[s.id] = s
        trim(keeping: s.id)
        return s
    }

    /// Stores the stream back, or emits its row when both ends closed it.
    private func update(_ s: HTTP2Stream, into out: inout [ProtocolRecord]) {
        let before = streams[s.id]?.held ?? 0
        if s.isComplete {
            streams.removeValue(forKey: s.id)
            heldBytes -= before
            if s.request.hasHeaders { out.append(s.record(limit: limits.textLimit)) }
        } else {
            streams[s.id] = s
            heldBytes += s.held - before
            trim(keeping: s.id)
        }
    }

    /// Drops the oldest other streams while the open ones hold more than the buffer limit.
    private func trim(keeping id: UInt32) {
        while heldBytes > limits.maxBufferBytes, let oldest = streams.keys.filter({ $0 != id }).min() {
            drop(oldest)
        }
    }

    private func drop(_ id: UInt32) {
        guard let s = streams.removeValue(forKey: id) else { return }
        heldBytes -= s.held
        unmatched += 1
    }
}

import CSpriteBPF

/// Checks the kernel's protocol guess against more bytes than its 16, and classifies connections
/// the kernel could not, by running the real parsers over a connection's first events.
///
/// The kernel guesses from the first 16 bytes of a transfer and its length (`protocol_infer.h`);
/// it ships the first few transfers of a connection it could not classify too (at most 512 bytes
/// each). User space keeps a connection's first events (``ProtocolProbation``) until its parser
/// produced a row. A parser that reports an error before its first row means the guess was
/// wrong: the parser's state is dropped and every candidate protocol is tried on the kept events
/// with its own full parser — a candidate *matches* when it stitches at least one request to a
/// response without an error, is *undecided* while it has seen no error but no whole exchange
/// yet, and is *rejected* at its first error. The first match becomes the connection's protocol
/// (counted in `CollectorStats.protocolCorrections`) and the kept events are parsed again with
/// it; with no match yet the connection waits, unparsed, for more events. A connection is
/// re-classified at most ``maxAttempts`` times and never goes back to a protocol it rejected.
enum ProtocolDetector {
    /// Protocols tried, most specific first (Redis accepts any printable line as a command).
    static let candidates: [Int] = [
        Int(SPRITE_PROTO_KAFKA.rawValue), Int(SPRITE_PROTO_MYSQL.rawValue), Int(SPRITE_PROTO_PGSQL.rawValue),
        Int(SPRITE_PROTO_DNS.rawValue), Int(SPRITE_PROTO_HTTP.rawValue), Int(SPRITE_PROTO_REDIS.rawValue),
    ]

    /// Re-classifications per connection.
    static let maxAttempts = 3
    /// Events and bytes kept per connection while its protocol is on probation.
    static let maxEvents = 16
    static let maxBytes = 8 << 10

    enum Verdict: Equatable {
        case match, undecided, rejected
    }

    /// One kept event: a direction's bytes (or a gap) in stream order.
    struct Event {
        /// 0 egress, 1 ingress.
        var direction: Int
        var requests: Bool
        var bytes: [UInt8]
        var gap: Int
        var time: UInt64
    }

    /// The first candidate (not in `excluded`) the events match, else whether any is undecided.
    static func classify(_ events: [Event], excluding excluded: Set<Int>, limits: ProtocolLimits) -> (protocol: Int?, undecided: Bool) {
        var undecided = false
        for p in candidates where !excluded.contains(p) {
            switch verdict(p, events, limits: limits) {
            case .match: return (p, false)
            case .undecided: undecided = true
            case .rejected: break
            }
        }
        return (nil, undecided)
    }

    /// How a fresh parser of protocol `p` takes the events.
    static func verdict(_ p: Int, _ events: [Event], limits: ProtocolLimits) -> Verdict {
        if p == Int(SPRITE_PROTO_HTTP.rawValue) { return httpVerdict(events, limits: limits) }
        guard let session = ProtocolSessions.make(protocol: p, limits: limits) else { return .rejected }
        var records = 0
        for e in events {
            let side: MessageSide = e.requests ? .request : .response
            if !e.bytes.isEmpty { records += session.consume(e.bytes, side: side, time: e.time).count }
            if e.gap > 0 { records += session.skip(e.gap, side: side, time: e.time).count }
            if session.errors > 0 { return .rejected }
        }
        return records > 0 ? .match : .undecided
    }

    private static func httpVerdict(_ events: [Event], limits: ProtocolLimits) -> Verdict {
        var requests = HTTPParser(mode: .requests, bodyLimit: 0, maxBufferBytes: limits.maxBufferBytes)
        var responses = HTTPParser(mode: .responses, bodyLimit: 0, maxBufferBytes: limits.maxBufferBytes)
        var asked = 0, answered = 0
        for e in events {
            if e.requests {
                if !e.bytes.isEmpty { asked += requests.feed(e.bytes, timestamp: e.time).count }
                if e.gap > 0 { asked += requests.skip(e.gap, timestamp: e.time).count }
            } else {
                if !e.bytes.isEmpty { answered += responses.feed(e.bytes, timestamp: e.time).count }
                if e.gap > 0 { answered += responses.skip(e.gap, timestamp: e.time).count }
            }
            if requests.errors + responses.errors > 0 { return .rejected }
        }
        return asked > 0 && answered > 0 ? .match : .undecided
    }
}

/// A connection whose protocol is not confirmed yet: its first events, kept for a re-run.
struct ProtocolProbation {
    var events: [ProtocolDetector.Event] = []
    var bytes = 0
    /// Kept events already handed to the current protocol's parser.
    var delivered = 0
    /// Protocols found wrong for this connection.
    var rejected: Set<Int> = []
    var attempts = 0
    /// More events came than can be kept: the history is incomplete.
    var overflowed = false
    /// Parse errors and unmatched messages the connection had when the current protocol started.
    var errorBase = 0

    /// Keeps an event; false when the bounds are reached.
    mutating func keep(_ e: ProtocolDetector.Event) -> Bool {
        guard !overflowed, events.count < ProtocolDetector.maxEvents, bytes + e.bytes.count <= ProtocolDetector.maxBytes else {
            overflowed = true
            return false
        }
        events.append(e)
        bytes += e.bytes.count
        return true
    }
}

/// A protocol user space decided for a connection the kernel ships no payload for (it could not
/// classify it): written to the kernel's `protocol_override` map so its payload flows.
struct ProtocolOverride: Sendable, Equatable {
    var key: ConnectionKey
    var protocolID: Int
}

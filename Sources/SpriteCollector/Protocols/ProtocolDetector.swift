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
        Int(SPRITE_PROTO_HTTP2.rawValue), Int(SPRITE_PROTO_KAFKA.rawValue), Int(SPRITE_PROTO_MYSQL.rawValue), Int(SPRITE_PROTO_PGSQL.rawValue),
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

    /// Fresh trials of every candidate not in `excluded`, in candidate order.
    static func trials(excluding excluded: Set<Int>, limits: ProtocolLimits) -> [ProtocolTrial] {
        candidates.filter { !excluded.contains($0) }.compactMap { ProtocolTrial(protocolID: $0, limits: limits) }
    }

    /// Feeds an event to the trials and drops the rejected ones; returns the first (in candidate
    /// order) that matches.
    static func step(_ trials: inout [ProtocolTrial], _ e: Event) -> Int? {
        for t in trials { t.feed(e) }
        trials.removeAll { $0.verdict == .rejected }
        return trials.first { $0.verdict == .match }?.protocolID
    }

    /// The first candidate (not in `excluded`) the events match, else whether any is undecided.
    static func classify(_ events: [Event], excluding excluded: Set<Int>, limits: ProtocolLimits) -> (protocol: Int?, undecided: Bool) {
        var t = trials(excluding: excluded, limits: limits)
        for e in events {
            if let p = step(&t, e) { return (p, false) }
        }
        return (nil, !t.isEmpty)
    }

    /// How a fresh parser of protocol `p` takes the events.
    static func verdict(_ p: Int, _ events: [Event], limits: ProtocolLimits) -> Verdict {
        guard let t = ProtocolTrial(protocolID: p, limits: limits) else { return .rejected }
        for e in events { t.feed(e) }
        return t.verdict
    }
}

/// One candidate protocol's parser run over a connection's kept events, one event at a time:
/// rejected at its first error, a match once it stitched a request to a response without one.
/// Verdicts never change back (an error in a prefix stays in every longer stream).
final class ProtocolTrial {
    let protocolID: Int
    private(set) var verdict: ProtocolDetector.Verdict = .undecided
    private let session: (any ProtocolSession)?
    private var requests: HTTPParser?
    private var responses: HTTPParser?
    private var asked = 0, answered = 0

    init?(protocolID: Int, limits: ProtocolLimits) {
        self.protocolID = protocolID
        if protocolID == Int(SPRITE_PROTO_HTTP.rawValue) {
            session = nil
            requests = HTTPParser(mode: .requests, bodyLimit: 0, maxBufferBytes: limits.maxBufferBytes)
            responses = HTTPParser(mode: .responses, bodyLimit: 0, maxBufferBytes: limits.maxBufferBytes)
        } else {
            guard let s = ProtocolSessions.make(protocol: protocolID, limits: limits) else { return nil }
            session = s
        }
    }

    func feed(_ e: ProtocolDetector.Event) {
        guard verdict == .undecided else { return }
        if let session {
            let side: MessageSide = e.requests ? .request : .response
            var records = 0
            if !e.bytes.isEmpty { records += session.consume(e.bytes, side: side, time: e.time).count }
            if e.gap > 0 { records += session.skip(e.gap, side: side, time: e.time).count }
            verdict = session.errors > 0 ? .rejected : records > 0 ? .match : .undecided
            return
        }
        if e.requests {
            if !e.bytes.isEmpty { asked += requests!.feed(e.bytes, timestamp: e.time).count }
            if e.gap > 0 { asked += requests!.skip(e.gap, timestamp: e.time).count }
        } else {
            if !e.bytes.isEmpty { answered += responses!.feed(e.bytes, timestamp: e.time).count }
            if e.gap > 0 { answered += responses!.skip(e.gap, timestamp: e.time).count }
        }
        verdict = requests!.errors + responses!.errors > 0 ? .rejected : asked > 0 && answered > 0 ? .match : .undecided
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
    /// Parse errors the connection had when the current protocol started.
    var errorBase = 0
    /// The candidates still in the running while the connection waits for a protocol.
    var trials: [ProtocolTrial]?

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

/// Stitches DNS queries to responses by transaction id (responses may come in any order) and
/// writes Pixie's JSON shapes: `req_header`/`resp_header` (txid, flags, counts), `req_body`
/// (`{"queries":[...]}`) and `resp_body` (`{"answers":[...]}` with A/AAAA addresses and CNAMEs).
final class DNSSession: ProtocolSession {
    private var requests = FrameStream(parser: DNSParser(), maxBufferBytes: 1 << 16)
    private var responses = FrameStream(parser: DNSParser(), maxBufferBytes: 1 << 16)
    private var pending: [(message: DNSMessage, time: UInt64)] = []
    private let limits: ProtocolLimits
    private(set) var unmatched = 0

    var errors: Int { requests.errors + responses.errors }

    init(limits: ProtocolLimits) { self.limits = limits }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request:
            for f in requests.feed(bytes, time: time) { query(f) }
            return []
        case .response:
            return responses.feed(bytes, time: time).compactMap { answer($0) }
        }
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request:
            for f in requests.skip(count, time: time) { query(f) }
            return []
        case .response:
            return responses.skip(count, time: time).compactMap { answer($0) }
        }
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        unmatched += pending.count
        pending.removeAll()
        return []
    }

    private func query(_ f: Timed<DNSMessage>) {
        guard !f.frame.isResponse else { unmatched += 1; return }
        pending.append((f.frame, f.start))
        if pending.count > limits.maxPending {
            pending.removeFirst()
            unmatched += 1
        }
    }

    private func answer(_ f: Timed<DNSMessage>) -> ProtocolRecord? {
        let r = f.frame
        guard r.isResponse, let i = pending.firstIndex(where: { $0.message.txid == r.txid }) else {
            unmatched += 1
            return nil
        }
        let (q, start) = pending.remove(at: i)
        return ProtocolRecord(table: .dns, requestTime: start, responseTime: f.end, values: [
            .string(q.headerJSON), .string(q.queriesJSON.truncated(toUTF8: limits.textLimit)),
            .string(r.headerJSON), .string(r.answersJSON.truncated(toUTF8: limits.textLimit)),
        ])
    }
}

/// Stitches DNS over UDP: every datagram is one whole message, and one socket talks to many
/// peers (a server's socket to all its clients, an unconnected resolver socket to several
/// servers), so there is no byte stream to reassemble. A query waits under (peer address, peer
/// port, transaction id); the response that comes back from (or goes back to) that peer with
/// that id, in the opposite direction, completes it. The side that sent the query is the client.
struct DNSDatagramMatcher {
    /// The peer of a datagram.
    struct Peer: Hashable, Sendable {
        var addr: String
        var port: Int
    }

    /// A completed query/response pair, with the peer and this socket's role in it.
    struct Match {
        var record: ProtocolRecord
        var peer: Peer
        /// 1 client (the socket sent the query), 2 server (it received the query).
        var role: Int
    }

    private struct Key: Hashable {
        var peer: Peer
        var txid: Int
    }

    private struct Query {
        var message: DNSMessage
        var time: UInt64
        var egress: Bool
    }

    private var pending: [Key: Query] = [:]
    private let limits: ProtocolLimits
    /// Datagrams that were not a well-formed DNS message.
    private(set) var errors = 0
    /// Responses without their query, and queries dropped without a response.
    private(set) var unmatched = 0

    init(limits: ProtocolLimits) { self.limits = limits }

    /// Queries still waiting for their response.
    var pendingCount: Int { pending.count }

    /// Handles one datagram (`bytes` is what was captured of its `length` bytes); returns the
    /// row it completes, if any.
    mutating func datagram(_ bytes: UnsafeRawBufferPointer, length: Int, egress: Bool, peer: Peer, time: UInt64) -> Match? {
        guard let (message, _) = DNSMessage.parse(bytes) else {
            errors += 1
            return nil
        }
        let key = Key(peer: peer, txid: message.txid)
        if !message.isResponse {
            if pending.updateValue(Query(message: message, time: time, egress: egress), forKey: key) != nil { unmatched += 1 }
            if pending.count > limits.maxPending, let oldest = pending.min(by: { $0.value.time < $1.value.time })?.key {
                pending.removeValue(forKey: oldest)
                unmatched += 1
            }
            return nil
        }
        guard let q = pending[key], q.egress != egress else {
            unmatched += 1
            return nil
        }
        pending.removeValue(forKey: key)
        let record = ProtocolRecord(table: .dns, requestTime: q.time, responseTime: time, values: [
            .string(q.message.headerJSON), .string(q.message.queriesJSON.truncated(toUTF8: limits.textLimit)),
            .string(message.headerJSON), .string(message.answersJSON.truncated(toUTF8: limits.textLimit)),
        ])
        return Match(record: record, peer: peer, role: q.egress ? 1 : 2)
    }

    /// Drops queries older than `age` ns before `now` (a lost response never comes); returns how many.
    mutating func expire(olderThan age: UInt64, now: UInt64) -> Int {
        let before = pending.count
        pending = pending.filter { now <= $0.value.time || now - $0.value.time <= age }
        unmatched += before - pending.count
        return before - pending.count
    }

    /// The socket is gone: what is still waiting stays unanswered.
    mutating func finish() {
        unmatched += pending.count
        pending.removeAll()
    }
}

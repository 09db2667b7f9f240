/// Stitches Redis commands to replies on one connection: replies answer commands in order
/// (pipelining included), pub/sub confirmations answer their (P|S)SUBSCRIBE/UNSUBSCRIBE, and
/// published messages (RESP2 arrays in subscribed mode, RESP3 pushes) become rows of their own
/// with `req_cmd` = `PUSH PUB`.
final class RedisSession: ProtocolSession {
    struct Command: Sendable, Equatable {
        var name: String
        var args: [String]
        var time: UInt64
        /// Pub/sub confirmations still expected (nil: until the subscription count reaches 0).
        var confirmations: Int?
        var replies: [RESPValue] = []
    }

    private var requests: FrameStream<RESPParser>
    private var responses: FrameStream<RESPParser>
    private var pending: [Command] = []
    private var pendingHead = 0
    private var subscribed = false
    private let limits: ProtocolLimits
    private(set) var unmatched = 0

    var errors: Int { requests.errors + responses.errors }

    init(limits: ProtocolLimits) {
        self.limits = limits
        requests = FrameStream(parser: RESPParser(side: .request), maxBufferBytes: limits.maxBufferBytes)
        responses = FrameStream(parser: RESPParser(side: .response), maxBufferBytes: limits.maxBufferBytes)
    }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request:
            for f in requests.feed(bytes, time: time) { addCommand(f) }
            return []
        case .response:
            return responses.feed(bytes, time: time).flatMap { reply($0) }
        }
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request:
            for f in requests.skip(count, time: time) { addCommand(f) }
            return []
        case .response:
            return responses.skip(count, time: time).flatMap { reply($0) }
        }
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        unmatched += pending.count - pendingHead
        pending.removeAll()
        pendingHead = 0
        return []
    }

    // MARK: - Commands

    static let subcommandFamilies: Set<String> = [
        "ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY", "MEMORY", "MODULE",
        "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO",
    ]
    static let subscribeCommands: Set<String> = ["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"]

    private func addCommand(_ f: Timed<RESPValue>) {
        guard let words = f.frame.elements?.map({ $0.text ?? "" }), let first = words.first, !first.isEmpty else {
            // Commands are arrays of strings; anything else is not a command stream.
            requests.enterResync()
            return
        }
        var name = first.uppercased()
        var args = Array(words.dropFirst())
        if Self.subcommandFamilies.contains(name), let sub = args.first {
            name += " " + sub.uppercased()
            args.removeFirst()
        }
        var c = Command(name: name, args: args, time: f.start)
        if Self.subscribeCommands.contains(name) {
            c.confirmations = args.isEmpty ? nil : args.count
        }
        pending.append(c)
        if pending.count - pendingHead > limits.maxPending {
            pendingHead += 1
            unmatched += 1
        }
        compactPending()
    }

    private func compactPending() {
        if pendingHead > 64 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    // MARK: - Replies

    private static let messageKinds: Set<String> = ["message", "pmessage", "smessage"]
    private static let confirmationKinds: Set<String> = ["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"]

    private func reply(_ f: Timed<RESPValue>) -> [ProtocolRecord] {
        let v = f.frame
        let isPush: Bool
        if case .push = v { isPush = true } else { isPush = false }
        let kind = v.elements?.first?.text?.lowercased()
        if let kind, isPush || subscribed {
            if Self.messageKinds.contains(kind) {
                return [record(name: "PUSH PUB", args: "[]", reply: v.rendered(limit: limits.textLimit), start: f.start, end: f.end)]
            }
        }
        if let kind, Self.confirmationKinds.contains(kind), let els = v.elements, els.count == 3 {
            return confirmation(v, kind: kind, remaining: Self.count(els[2]), f)
        }
        if isPush {
            // Other out-of-band data (client-side caching invalidations, ...).
            return [record(name: "PUSH " + (kind ?? "").uppercased(), args: "[]", reply: v.rendered(limit: limits.textLimit), start: f.start, end: f.end)]
        }
        guard pendingHead < pending.count else {
            unmatched += 1
            return []
        }
        let c = pending[pendingHead]
        pendingHead += 1
        compactPending()
        return [record(c, reply: v.rendered(limit: limits.textLimit), end: f.end)]
    }

    private static func count(_ v: RESPValue) -> Int? {
        if case .integer(let i) = v { return Int(i) }
        return nil
    }

    private func confirmation(_ v: RESPValue, kind: String, remaining: Int?, _ f: Timed<RESPValue>) -> [ProtocolRecord] {
        if let remaining { subscribed = remaining > 0 }
        guard pendingHead < pending.count, pending[pendingHead].name == kind.uppercased() else {
            unmatched += 1
            return []
        }
        pending[pendingHead].replies.append(v)
        var done = false
        if let left = pending[pendingHead].confirmations {
            pending[pendingHead].confirmations = left - 1
            done = left - 1 <= 0
        } else {
            done = (remaining ?? 0) == 0
        }
        guard done else { return [] }
        let c = pending[pendingHead]
        pendingHead += 1
        compactPending()
        let text = c.replies.count == 1 ? c.replies[0].rendered(limit: limits.textLimit)
            : RESPValue.array(c.replies).rendered(limit: limits.textLimit)
        return [record(c, reply: text, end: f.end)]
    }

    private func record(_ c: Command, reply: String, end: UInt64) -> ProtocolRecord {
        let args = "[" + c.args.map { JSONText.quoted($0) }.joined(separator: ",") + "]"
        return record(name: c.name, args: args, reply: reply, start: c.time, end: end)
    }

    private func record(name: String, args: String, reply: String, start: UInt64, end: UInt64) -> ProtocolRecord {
        ProtocolRecord(table: .redis, requestTime: start, responseTime: end, values: [
            .string(name), .string(args.truncated(toUTF8: limits.textLimit)), .string(reply),
        ])
    }
}

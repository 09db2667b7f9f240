/// Stitches Kafka requests to responses on one connection by correlation id.
///
/// A broker answers a connection's requests in order, so a response normally answers the oldest
/// pending request; requests it skips were lost (counted as unmatched). Produce with `acks = 0`
/// has no response and becomes a row at once. Produce, Fetch and Metadata bodies are decoded to
/// JSON (``KafkaBodies``); other requests keep a short body naming the API and its version, and
/// an empty response.
///
/// Rows (`req_cmd`, `client_id`, `req_body`, `resp`): the API key (0 Produce, 1 Fetch, 3
/// Metadata, 18 ApiVersions, ...), the request header's client id, and the JSON bodies.
final class KafkaSession: ProtocolSession {
    private struct Pending {
        var header: KafkaRequestHeader
        var body: String
        var time: UInt64
    }

    private var requests: FrameStream<KafkaParser>
    private var responses: FrameStream<KafkaParser>
    private var pending: [Pending] = []
    private var pendingHead = 0
    private let bodies: KafkaBodies
    private let limits: ProtocolLimits
    private(set) var unmatched = 0

    var errors: Int { requests.errors + responses.errors }

    init(limits: ProtocolLimits, topicNames: KafkaTopicNames = .shared) {
        self.limits = limits
        bodies = KafkaBodies(topicNames: topicNames)
        requests = FrameStream(parser: KafkaParser(side: .request), maxBufferBytes: limits.maxBufferBytes)
        responses = FrameStream(parser: KafkaParser(side: .response), maxBufferBytes: limits.maxBufferBytes)
    }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request: requests.feed(bytes, time: time).compactMap { request($0) }
        case .response: responses.feed(bytes, time: time).compactMap { response($0) }
        }
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request: requests.skip(count, time: time).compactMap { request($0) }
        case .response: responses.skip(count, time: time).compactMap { response($0) }
        }
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        unmatched += pending.count - pendingHead
        pending.removeAll()
        pendingHead = 0
        return []
    }

    private func request(_ f: Timed<KafkaFrame>) -> ProtocolRecord? {
        guard let h = KafkaRequestHeader(f.frame) else {
            requests.enterResync()
            return nil
        }
        var r = KafkaReader(f.frame.bytes, at: h.bodyOffset)
        let body: String?
        switch h.apiKey {
        case KafkaAPI.produce:
            body = bodies.produceRequest(&r, version: h.apiVersion, flexible: h.flexible)
            if KafkaBodies.produceAcks(KafkaReader(f.frame.bytes, at: h.bodyOffset), version: h.apiVersion, flexible: h.flexible) == 0 {
                // No response will come.
                return record(Pending(header: h, body: body ?? shortBody(h), time: f.start), response: "", end: f.end)
            }
        case KafkaAPI.fetch: body = bodies.fetchRequest(&r, version: h.apiVersion, flexible: h.flexible)
        case KafkaAPI.metadata: body = bodies.metadataRequest(&r, version: h.apiVersion, flexible: h.flexible)
        default: body = nil
        }
        pending.append(Pending(header: h, body: body ?? shortBody(h), time: f.start))
        if pending.count - pendingHead > limits.maxPending {
            pendingHead += 1
            unmatched += 1
        }
        compactPending()
        return nil
    }

    private func shortBody(_ h: KafkaRequestHeader) -> String {
        KafkaBodies.object([("api", JSONText.quoted(KafkaAPI.name(h.apiKey))), ("api_version", String(h.apiVersion))])
    }

    private func response(_ f: Timed<KafkaFrame>) -> ProtocolRecord? {
        let id = f.frame.correlationID
        guard let i = pending[pendingHead...].firstIndex(where: { $0.header.correlationID == id }) else {
            unmatched += 1
            return nil
        }
        // Requests before it were answered on no other path: they are lost.
        unmatched += i - pendingHead
        let p = pending[i]
        pendingHead = i + 1
        compactPending()
        let h = p.header
        var r = KafkaReader(f.frame.bytes, at: 4)
        var resp: String?
        if !KafkaAPI.responseHasTags(h.apiKey, version: h.apiVersion) || r.skipTaggedFields() {
            switch h.apiKey {
            case KafkaAPI.produce: resp = bodies.produceResponse(&r, version: h.apiVersion, flexible: h.flexible)
            case KafkaAPI.fetch: resp = bodies.fetchResponse(&r, version: h.apiVersion, flexible: h.flexible)
            case KafkaAPI.metadata: resp = bodies.metadataResponse(&r, version: h.apiVersion, flexible: h.flexible)
            default: resp = ""
            }
        }
        return record(p, response: resp ?? "", end: f.end)
    }

    private func compactPending() {
        if pendingHead > 64 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
        if pendingHead == pending.count && pendingHead > 0 {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
    }

    private func record(_ p: Pending, response: String, end: UInt64) -> ProtocolRecord {
        ProtocolRecord(table: .kafka, requestTime: p.time, responseTime: end, values: [
            .int(Int64(p.header.apiKey)), .string(p.header.clientID.truncated(toUTF8: limits.textLimit)),
            .string(p.body.truncated(toUTF8: limits.textLimit)), .string(response.truncated(toUTF8: limits.textLimit)),
        ])
    }
}

import CSpriteBPF
import Logging
import SpriteStore
import Testing
@testable import SpriteCollector

/// Protocol correction in user space, through the event processor with hand-made kernel events:
/// no root needed.
@Suite struct ProtocolDetectorTests {
    static let http = UInt16(SPRITE_PROTO_HTTP.rawValue), dns = UInt16(SPRITE_PROTO_DNS.rawValue)
    static let unknown = UInt16(SPRITE_PROTO_UNKNOWN.rawValue)

    /// A client connection (pid 4242, fd 7) fed with data events labelled `label`.
    struct Wire {
        let processor = EventProcessor(configuration: CollectorConfiguration(), clocks: Clocks(), logger: Logger(label: "test"))
        var sent: UInt64 = 0, received: UInt64 = 0, time: UInt64 = 1_000
        var taken: [RecordBatch] = []

        mutating func send(_ text: String, label: UInt16) { send(Array(text.utf8), label: label) }
        mutating func receive(_ text: String, label: UInt16) { receive(Array(text.utf8), label: label) }

        mutating func send(_ b: [UInt8], label: UInt16) {
            event(direction: 0, position: sent, b, label: label)
            sent += UInt64(b.count)
        }

        mutating func receive(_ b: [UInt8], label: UInt16) {
            event(direction: 1, position: received, b, label: label)
            received += UInt64(b.count)
        }

        private mutating func event(direction: UInt16, position: UInt64, _ b: [UInt8], label: UInt16) {
            time += 1_000
            var h = sprite_data_header()
            h.hdr.kind = SPRITE_EVENT_DATA.rawValue
            h.hdr.timestamp_ns = time
            h.hdr.conn.tgid = 4242
            h.hdr.conn.fd = 7
            h.hdr.conn.generation = 1
            h.position = position
            h.length = UInt32(b.count)
            h.captured = UInt32(b.count)
            h.direction = direction
            h.role = UInt16(SPRITE_ROLE_CLIENT.rawValue)
            h.protocol = label
            h.syscall = 1
            let raw = withUnsafeBytes(of: h) { Array($0) } + b
            raw.withUnsafeBytes { processor.handle($0) }
        }

        /// Rows of `table` written so far, as column → value.
        mutating func rows(_ table: String) -> [[String: Value]] {
            taken += processor.takeBatches()
            return taken.filter { $0.schema.name == table }.flatMap { batch -> [[String: Value]] in
                (0..<batch.count).map { i in Dictionary(uniqueKeysWithValues: zip(batch.schema.fields.map(\.name), batch.row(i))) }
            }
        }
    }

    @Test func redisInlineCommandTakenForHTTPIsCorrected() {
        var w = Wire()
        // "GET " starts an HTTP request for the kernel's 16-byte test.
        w.send("GET greeting\r\n", label: Self.http)
        w.receive("$11\r\nhello world\r\n", label: Self.http)
        w.send("INCR visits\r\n", label: Self.http)
        w.receive(":7\r\n", label: Self.http)
        #expect(w.rows("http_events").isEmpty)
        let redis = w.rows("redis_events")
        #expect(redis.map { $0["req_cmd"]?.string } == ["GET", "INCR"])
        #expect(redis.map { $0["req_args"]?.string } == [#"["greeting"]"#, #"["visits"]"#])
        #expect(redis.map { $0["resp"]?.string } == ["hello world", "7"])
        let s = w.processor.stats
        #expect(s.protocolCorrections == 1)
        #expect(s.parseErrors == 0, "errors of the wrong guess are not the stream's")
        // The kernel did guess (HTTP) and ships payload: nothing to tell it.
        #expect(w.processor.takeOverrides().isEmpty)
    }

    @Test func unknownConnectionIsClassifiedAndTheKernelTold() {
        var w = Wire()
        w.send("PING\r\n", label: Self.unknown)
        #expect(w.processor.stats.protocolCorrections == 0)
        w.receive("+PONG\r\n", label: Self.unknown)
        #expect(w.processor.stats.protocolCorrections == 1)
        #expect(w.processor.takeOverrides() == [ProtocolOverride(key: ConnectionKey(tgid: 4242, fd: 7, generation: 1), protocolID: Int(SPRITE_PROTO_REDIS.rawValue))])
        // Later events carry the kernel's new label.
        w.send("ECHO hi\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        w.receive("$2\r\nhi\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        let rows = w.rows("redis_events")
        #expect(rows.map { $0["req_cmd"]?.string } == ["PING", "ECHO"], "\(rows)")
        #expect(rows.map { $0["resp"]?.string } == ["PONG", "hi"])
    }

    @Test func kafkaServerReadingTheSizeFirstIsClassified() {
        // A broker reads the 4-byte size, then the request: neither read looks like Kafka alone.
        var w = Wire()
        let req = KafkaSessionTests.apiVersions(1)
        w.send(Array(req.request[..<4]), label: Self.unknown)
        w.send(Array(req.request[4...]), label: Self.unknown)
        w.receive(req.response, label: Self.unknown)
        #expect(w.processor.stats.protocolCorrections == 1)
        #expect(w.rows("kafka_events.beta").count == 1)
    }

    @Test func wrongGuessWithNoOtherMatchEmitsNothing() {
        var w = Wire()
        // Labelled DNS, but it is nothing Sprite knows.
        let junk: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] + Array("\u{7}example\0\0\u{1}".utf8)
        w.send(junk, label: Self.dns)
        w.receive([UInt8](repeating: 0xEE, count: 40), label: Self.dns)
        w.send(junk, label: Self.dns)
        w.receive([UInt8](repeating: 0xEE, count: 40), label: Self.dns)
        #expect(w.rows("dns_events").isEmpty && w.rows("redis_events").isEmpty && w.rows("http_events").isEmpty)
        #expect(w.processor.stats.protocolCorrections == 0)
    }

    @Test func correctGuessIsParsedOnce() {
        var w = Wire()
        w.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        w.receive("$1\r\nv\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        w.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        w.receive("$1\r\nv\r\n", label: UInt16(SPRITE_PROTO_REDIS.rawValue))
        #expect(w.rows("redis_events").count == 2)
        #expect(w.processor.stats.protocolCorrections == 0)
    }

    @Test func verdictsOfTheParsers() {
        typealias E = ProtocolDetector.Event
        let limits = ProtocolLimits()
        let ev = { (requests: Bool, s: String) in E(direction: requests ? 0 : 1, requests: requests, bytes: Array(s.utf8), gap: 0, time: 1) }
        let http = [ev(true, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ev(false, "HTTP/1.1 204 No Content\r\n\r\n")]
        #expect(ProtocolDetector.classify(http, excluding: [], limits: limits).protocol == Int(SPRITE_PROTO_HTTP.rawValue))
        #expect(ProtocolDetector.classify(Array(http.prefix(1)), excluding: [], limits: limits) == (nil, true))
        let smtp = [ev(false, "220 mail.example ESMTP\r\n"), ev(true, "EHLO me\r\n"), ev(false, "250 ok\r\n")]
        // SMTP matches nothing: Redis takes "EHLO me" as an inline command but not "220 ..." as a
        // reply; MySQL waits for the 3-byte length "220" announces, until the bounds stop it.
        #expect(ProtocolDetector.classify(smtp, excluding: [], limits: limits).protocol == nil)
        #expect(ProtocolDetector.verdict(Int(SPRITE_PROTO_REDIS.rawValue), smtp, limits: limits) == .rejected)
        #expect(ProtocolDetector.verdict(Int(SPRITE_PROTO_HTTP.rawValue), smtp, limits: limits) == .rejected)
        #expect(ProtocolDetector.verdict(Int(SPRITE_PROTO_KAFKA.rawValue), smtp, limits: limits) == .rejected)
    }

    /// Every protocol's test conversations classify as that protocol and no other: the
    /// candidates' full parsers tell the protocols apart (requests sent first, then responses).
    @Test func eachProtocolsConversationsClassifyAsThatProtocol() {
        let limits = ProtocolLimits()
        let sets: [(Int, [ProtocolFuzzer.Conversation])] = [
            (Int(SPRITE_PROTO_REDIS.rawValue), RedisSessionTests.corpus),
            (Int(SPRITE_PROTO_PGSQL.rawValue), PostgreSQLSessionTests.corpus),
            (Int(SPRITE_PROTO_DNS.rawValue), DNSSessionTests.corpus),
            (Int(SPRITE_PROTO_KAFKA.rawValue), KafkaSessionTests.corpus),
        ]
        typealias E = ProtocolDetector.Event
        for (expected, corpus) in sets {
            for (i, conv) in corpus.enumerated() {
                let events = [E(direction: 0, requests: true, bytes: conv.requests, gap: 0, time: 1),
                              E(direction: 1, requests: false, bytes: conv.responses, gap: 0, time: 2)]
                let got = ProtocolDetector.classify(events, excluding: [], limits: limits).protocol
                #expect(got == expected, "protocol \(expected) conversation \(i) classified as \(got.map(String.init) ?? "nothing")")
            }
        }
        // MySQL: the server speaks first, the handshake takes turns.
        typealias M = MySQLSessionTests
        let turns: [(Bool, [UInt8])] = [(false, M.greeting), (true, M.handshakeResponse(deprecateEOF: false)), (false, M.ok),
                                        (true, M.query("SELECT a")), (false, M.resultSet(["a"], [["1"]], deprecateEOF: false))]
        let mysql = turns.map { E(direction: $0.0 ? 0 : 1, requests: $0.0, bytes: $0.1, gap: 0, time: 1) }
        #expect(ProtocolDetector.classify(mysql, excluding: [], limits: limits).protocol == Int(SPRITE_PROTO_MYSQL.rawValue))
    }

    /// Seeded random events through the processor: conversations of every protocol, cut into
    /// random pieces, bytes flipped, under random kernel labels (including a label that changes
    /// midway). Nothing traps and corrections stay bounded by the connections.
    @Test func fuzzLabelsAndBytes() {
        var rng = SplitMix64(seed: ProtocolFuzzer.seed)
        let corpus = RedisSessionTests.corpus + PostgreSQLSessionTests.corpus + DNSSessionTests.corpus + KafkaSessionTests.corpus
            + MySQLSessionTests.corpus
        let labels: [UInt16] = [0, 1, 3, 5, 6, 7, 10]
        let iterations = ProtocolFuzzer.iterations / 10
        for _ in 0..<iterations {
            var w = Wire()
            let conv = corpus[rng.next(corpus.count)]
            var label = labels[rng.next(labels.count)]
            var req = conv.requests, resp = conv.responses
            for _ in 0..<rng.next(4) where !req.isEmpty { req[rng.next(req.count)] ^= UInt8(1 << rng.next(8)) }
            for _ in 0..<rng.next(4) where !resp.isEmpty { resp[rng.next(resp.count)] ^= UInt8(1 << rng.next(8)) }
            var i = 0, j = 0
            while i < req.count || j < resp.count {
                if rng.next(8) == 0 { label = labels[rng.next(labels.count)] }
                if j >= resp.count || (i < req.count && rng.next(2) == 0) {
                    let n = min(req.count - i, 1 + rng.next(64))
                    w.send(Array(req[i..<(i + n)]), label: label)
                    i += n
                } else {
                    let n = min(resp.count - j, 1 + rng.next(64))
                    w.receive(Array(resp[j..<(j + n)]), label: label)
                    j += n
                }
            }
            _ = w.processor.takeBatches()
            #expect(w.processor.stats.protocolCorrections <= 1)
        }
    }
}

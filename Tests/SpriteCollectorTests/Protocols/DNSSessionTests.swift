import Testing
@testable import SpriteCollector

/// DNS message parsing and stitching by transaction id: no root needed.
@Suite struct DNSSessionTests {
    static func name(_ n: String) -> [UInt8] { n.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0] }
    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 255), UInt8(v & 255)] }
    static func query(_ id: Int, _ host: String, type: Int = 1) -> [UInt8] {
        be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0) + name(host) + be16(type) + be16(1)
    }
    /// A response: the question, then answers (type, rdata), the first owned by the question name
    /// through a compression pointer to offset 12.
    static func response(_ id: Int, _ host: String, type: Int = 1, rcode: Int = 0, answers: [(Int, [UInt8])]) -> [UInt8] {
        var out = be16(id) + be16(0x8180 | rcode) + be16(1) + be16(answers.count) + be16(0) + be16(0) + name(host) + be16(type) + be16(1)
        for (t, data) in answers { out += [0xC0, 12] + be16(t) + be16(1) + [0, 0, 0, 60] + be16(data.count) + data }
        return out
    }
    static func tcp(_ m: [UInt8]) -> [UInt8] { be16(m.count) + m }

    func column(_ r: [ProtocolRecord], _ name: String) -> [String] { r.map { $0[name]!.description } }

    @Test func tcpQueriesMatchedByTransactionID() {
        let s = DNSSession(limits: ProtocolLimits())
        _ = s.consume(Self.tcp(Self.query(0x1234, "a.example")) + Self.tcp(Self.query(0x5678, "v6.example", type: 28)), side: .request, time: 10)
        let v6: [UInt8] = [0xfd, 0] + [UInt8](repeating: 0, count: 13) + [1]
        // Answers out of order.
        var r = s.consume(Self.tcp(Self.response(0x5678, "v6.example", type: 28, answers: [(28, v6)])), side: .response, time: 20)
        r += s.consume(Self.tcp(Self.response(0x1234, "a.example", answers: [(5, Self.name("b.example")), (1, [10, 1, 2, 3])])), side: .response, time: 30)
        #expect(column(r, "req_body") == [#"{"queries":[{"name":"v6.example","type":"AAAA"}]}"#, #"{"queries":[{"name":"a.example","type":"A"}]}"#])
        #expect(column(r, "resp_body") == [#"{"answers":[{"name":"v6.example","type":"AAAA","addr":"fd00::1"}]}"#,
                                           #"{"answers":[{"name":"a.example","type":"CNAME","cname":"b.example"},{"name":"a.example","type":"A","addr":"10.1.2.3"}]}"#])
        #expect(column(r, "req_header")[1] == #"{"txid":4660,"qr":0,"opcode":0,"aa":0,"tc":0,"rd":1,"ra":0,"ad":0,"cd":0,"rcode":0,"num_queries":1,"num_answers":0,"num_auth":0,"num_addl":0}"#)
        #expect(column(r, "resp_header")[1] == #"{"txid":4660,"qr":1,"opcode":0,"aa":0,"tc":0,"rd":1,"ra":1,"ad":0,"cd":0,"rcode":0,"num_queries":1,"num_answers":2,"num_auth":0,"num_addl":0}"#)
        #expect(r.map(\.latency) == [10, 20])
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func bareMessagesAndNXDOMAIN() {
        let s = DNSSession(limits: ProtocolLimits())
        _ = s.consume(Self.query(7, "missing.example"), side: .request, time: 1)
        let r = s.consume(Self.response(7, "missing.example", rcode: 3, answers: []), side: .response, time: 2)
        #expect(column(r, "resp_body") == [#"{"answers":[]}"#])
        #expect(column(r, "resp_header").first?.contains(#""rcode":3"#) == true)
    }

    @Test func splitAtEveryPosition() {
        let resp = Self.tcp(Self.response(1, "x.example", answers: [(1, [1, 2, 3, 4])]))
        for split in 1..<resp.count {
            let s = DNSSession(limits: ProtocolLimits())
            _ = s.consume(Self.tcp(Self.query(1, "x.example")), side: .request, time: 1)
            let r = s.consume(Array(resp[..<split]), side: .response, time: 2) + s.consume(Array(resp[split...]), side: .response, time: 3)
            #expect(column(r, "resp_body") == [#"{"answers":[{"name":"x.example","type":"A","addr":"1.2.3.4"}]}"#])
        }
    }

    @Test func compressionLoopsAreRejected() {
        var m = Self.response(9, "loop.example", answers: [])
        m += [0xC0, UInt8(m.count)]
        m[7] = 1  // one answer whose name points at itself
        let s = DNSSession(limits: ProtocolLimits())
        _ = s.consume(Self.query(9, "loop.example"), side: .request, time: 1)
        #expect(s.consume(m, side: .response, time: 2).isEmpty)
    }

    static let corpus: [ProtocolFuzzer.Conversation] = [
        .init(requests: tcp(query(1, "a.example")) + tcp(query(2, "b.example", type: 28)),
              responses: tcp(response(2, "b.example", type: 28, answers: [(28, [UInt8](repeating: 1, count: 16))]))
                + tcp(response(1, "a.example", answers: [(5, name("c.example")), (1, [1, 2, 3, 4])]))),
        .init(requests: query(3, "n.example"), responses: response(3, "n.example", rcode: 3, answers: [])),
    ]

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) { DNSSession(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8)) }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}

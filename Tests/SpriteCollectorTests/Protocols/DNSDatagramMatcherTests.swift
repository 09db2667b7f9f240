import Testing
@testable import SpriteCollector

/// DNS over UDP: datagrams matched by (peer, transaction id) and direction; no root needed.
@Suite struct DNSDatagramMatcherTests {
    typealias M = DNSSessionTests
    let server = DNSDatagramMatcher.Peer(addr: "127.0.0.1", port: 53)

    func feed(_ m: inout DNSDatagramMatcher, _ bytes: [UInt8], egress: Bool, peer: DNSDatagramMatcher.Peer, time: UInt64) -> DNSDatagramMatcher.Match? {
        bytes.withUnsafeBytes { m.datagram($0, length: bytes.count, egress: egress, peer: peer, time: time) }
    }

    @Test func clientSideAAndAAAASentTogetherAnsweredOutOfOrder() {
        var m = DNSDatagramMatcher(limits: ProtocolLimits())
        #expect(feed(&m, M.query(0x9af1, "a.example"), egress: true, peer: server, time: 10) == nil)
        #expect(feed(&m, M.query(0x22f5, "a.example", type: 28), egress: true, peer: server, time: 11) == nil)
        let v6: [UInt8] = [0xfd, 0] + [UInt8](repeating: 0, count: 13) + [1]
        let aaaa = feed(&m, M.response(0x22f5, "a.example", type: 28, answers: [(28, v6)]), egress: false, peer: server, time: 30)
        let a = feed(&m, M.response(0x9af1, "a.example", answers: [(1, [10, 1, 2, 3])]), egress: false, peer: server, time: 40)
        #expect(aaaa?.record["resp_body"]?.description == #"{"answers":[{"name":"a.example","type":"AAAA","addr":"fd00::1"}]}"#)
        #expect(a?.record["req_body"]?.description == #"{"queries":[{"name":"a.example","type":"A"}]}"#)
        #expect(a?.record.latency == 30 && aaaa?.record.latency == 19)
        #expect(a?.role == 1 && a?.peer == server)
        #expect(m.pendingCount == 0 && m.unmatched == 0 && m.errors == 0)
    }

    @Test func serverSideKeepsClientsApart() {
        var m = DNSDatagramMatcher(limits: ProtocolLimits())
        let c1 = DNSDatagramMatcher.Peer(addr: "127.0.0.1", port: 40001)
        let c2 = DNSDatagramMatcher.Peer(addr: "127.0.0.1", port: 40002)
        // Two clients happen to use the same transaction id.
        _ = feed(&m, M.query(7, "one.example"), egress: false, peer: c1, time: 1)
        _ = feed(&m, M.query(7, "two.example"), egress: false, peer: c2, time: 2)
        let r2 = feed(&m, M.response(7, "two.example", answers: [(1, [2, 2, 2, 2])]), egress: true, peer: c2, time: 5)
        let r1 = feed(&m, M.response(7, "one.example", rcode: 3, answers: []), egress: true, peer: c1, time: 6)
        #expect(r2?.record["req_body"]?.description == #"{"queries":[{"name":"two.example","type":"A"}]}"#)
        #expect(r1?.record["resp_header"]?.description.contains(#""rcode":3"#) == true)
        #expect(r1?.role == 2 && r2?.role == 2 && r1?.peer == c1)
    }

    @Test func strayResponsesAndGarbageAreCountedNotMatched() {
        var m = DNSDatagramMatcher(limits: ProtocolLimits(maxPending: 2))
        _ = feed(&m, M.query(1, "x.example"), egress: true, peer: server, time: 1)
        // From another peer, in the query's own direction, and a response nobody asked for.
        #expect(feed(&m, M.response(1, "x.example", answers: []), egress: false, peer: .init(addr: "10.0.0.9", port: 53), time: 2) == nil)
        #expect(feed(&m, M.response(1, "x.example", answers: []), egress: true, peer: server, time: 3) == nil)
        #expect(feed(&m, [1, 2, 3], egress: false, peer: server, time: 4) == nil)
        // A truncated capture does not parse.
        #expect(feed(&m, Array(M.response(1, "x.example", answers: [(1, [1, 2, 3, 4])]).prefix(20)), egress: false, peer: server, time: 5) == nil)
        #expect(m.unmatched == 2 && m.errors == 2 && m.pendingCount == 1)
        // Bounded: the oldest query goes when too many wait.
        for id in 2...3 { _ = feed(&m, M.query(id, "y.example"), egress: true, peer: server, time: UInt64(10 + id)) }
        #expect(m.pendingCount == 2 && m.unmatched == 3)
        #expect(m.expire(olderThan: 5, now: 20) == 2 && m.pendingCount == 0)
    }

    @Test func randomDatagramsNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        var m = DNSDatagramMatcher(limits: ProtocolLimits())
        let seeds = [M.query(5, "a.b.example"), M.response(5, "a.b.example", answers: [(5, M.name("c.example")), (1, [1, 2, 3, 4])])]
        for i in 0..<100_000 {
            var b = seeds[i % 2]
            for _ in 0..<(1 + Int(rng.next() % 4)) where !b.isEmpty {
                let at = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: b.removeSubrange(at...)
                default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                }
            }
            _ = feed(&m, b, egress: i % 2 == 0, peer: server, time: UInt64(i))
        }
        #expect(m.pendingCount <= ProtocolLimits().maxPending)
    }
}

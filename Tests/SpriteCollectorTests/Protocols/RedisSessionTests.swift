import Foundation
import Testing
@testable import SpriteCollector

/// RESP parsing and Redis stitching on byte streams: no root needed.
@Suite struct RedisSessionTests {
    static func cmd(_ words: String...) -> [UInt8] {
        var s = "*\(words.count)\r\n"
        for w in words { s += "$\(w.utf8.count)\r\n\(w)\r\n" }
        return Array(s.utf8)
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func records(_ steps: [(MessageSide, [UInt8])]) -> (RedisSession, [ProtocolRecord]) {
        let s = RedisSession(limits: ProtocolLimits(textLimit: 100))
        var out: [ProtocolRecord] = []
        for (i, (side, b)) in steps.enumerated() { out += s.consume(b, side: side, time: UInt64(10 * (i + 1))) }
        return (s, out)
    }

    func cmds(_ r: [ProtocolRecord]) -> [String] { r.map { $0["req_cmd"]!.description } }
    func args(_ r: [ProtocolRecord]) -> [String] { r.map { $0["req_args"]!.description } }
    func resps(_ r: [ProtocolRecord]) -> [String] { r.map { $0["resp"]!.description } }

    @Test func rendersEveryReplyType() {
        let cases: [(String, String)] = [
            ("+OK\r\n", "OK"), ("-ERR unknown command 'FOO'\r\n", "ERR unknown command 'FOO'"), (":42\r\n", "42"),
            ("$5\r\nhello\r\n", "hello"), ("$0\r\n\r\n", ""), ("$-1\r\n", "<NULL>"), ("*-1\r\n", "[NULL]"),
            ("*0\r\n", "[]"), ("*3\r\n+OK\r\n:1\r\n$-1\r\n", #"["OK","1","<NULL>"]"#),
            ("*2\r\n*1\r\n$1\r\na\r\n$1\r\nb\r\n", #"[["a"],"b"]"#),
            // RESP3
            ("_\r\n", "<NULL>"), (",3.14\r\n", "3.14"), ("#t\r\n", "true"), ("(12345678901234567890\r\n", "12345678901234567890"),
            ("!9\r\nERR boom!\r\n", "ERR boom!"), ("=7\r\ntxt:abc\r\n", "abc"),
            ("%2\r\n+a\r\n:1\r\n+b\r\n$1\r\nx\r\n", #"{"a":"1","b":"x"}"#), ("~2\r\n:1\r\n:2\r\n", #"["1","2"]"#),
            ("|1\r\n+ttl\r\n:3\r\n+value\r\n", "value"),
        ]
        for (wire, expected) in cases {
            let (_, r) = records([(.request, Self.cmd("GET", "k")), (.response, Self.bytes(wire))])
            #expect(resps(r) == [expected], "\(wire.debugDescription)")
        }
    }

    @Test func pipelinedCommandsMatchInOrder() {
        let reqs = Self.cmd("SET", "a", "1") + Self.cmd("GET", "a") + Self.cmd("INCR", "a") + Self.cmd("LPUSH", "l", "x", "y")
            + Self.cmd("config", "get", "maxmemory")
        let resp = Self.bytes("+OK\r\n$1\r\n1\r\n:2\r\n:2\r\n*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")
        // Every split of the replies gives the same rows.
        for split in stride(from: 1, to: resp.count, by: 3) {
            let (s, r) = records([(.request, reqs), (.response, Array(resp[..<split])), (.response, Array(resp[split...]))])
            #expect(cmds(r) == ["SET", "GET", "INCR", "LPUSH", "CONFIG GET"])
            #expect(args(r) == [#"["a","1"]"#, #"["a"]"#, #"["a"]"#, #"["l","x","y"]"#, #"["maxmemory"]"#])
            #expect(resps(r) == ["OK", "1", "2", "2", #"["maxmemory","0"]"#])
            #expect(s.errors == 0 && s.unmatched == 0)
        }
        let (_, r) = records([(.request, reqs), (.response, resp)])
        #expect(r.map(\.requestTime) == [10, 10, 10, 10, 10])
        #expect(r.allSatisfy { $0.responseTime == 20 })
    }

    @Test func pubSubConfirmationsAndPushes() {
        let (s, r) = records([
            (.request, Self.cmd("SUBSCRIBE", "news", "sport")),
            (.response, Self.bytes("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n")),
            (.response, Self.bytes("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n")),
            (.request, Self.cmd("UNSUBSCRIBE")),
            (.response, Self.bytes("*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:1\r\n")),
            (.response, Self.bytes("*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:0\r\n")),
            (.request, Self.cmd("GET", "k")),
            // Not subscribed any more: an array starting with "message" is an ordinary reply.
            (.response, Self.bytes("*1\r\n$7\r\nmessage\r\n")),
        ])
        #expect(cmds(r) == ["SUBSCRIBE", "PUSH PUB", "UNSUBSCRIBE", "GET"])
        #expect(resps(r) == [#"[["subscribe","news","1"],["subscribe","sport","2"]]"#, #"["message","news","hello"]"#,
                            #"[["unsubscribe","news","1"],["unsubscribe","sport","0"]]"#, #"["message"]"#])
        #expect(args(r)[1] == "[]")
        #expect(s.unmatched == 0)
    }

    @Test func resp3PushesNeedNoSubscription() {
        let (_, r) = records([
            (.request, Self.cmd("HELLO", "3")),
            (.response, Self.bytes("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n")),
            (.request, Self.cmd("SUBSCRIBE", "c")),
            (.response, Self.bytes(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n")),
        ])
        #expect(cmds(r) == ["HELLO", "SUBSCRIBE", "PUSH PUB"])
        #expect(resps(r) == [#"{"server":"redis"}"#, #"["subscribe","c","1"]"#, #"["message","c","hi"]"#])
    }

    @Test func inlineCommandsAndErrors() {
        let (_, r) = records([
            (.request, Self.bytes("PING\r\nset k  v\r\n")),
            (.response, Self.bytes("+PONG\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")),
        ])
        #expect(cmds(r) == ["PING", "SET"])
        #expect(args(r) == ["[]", #"["k","v"]"#])
        #expect(resps(r)[1] == "WRONGTYPE Operation against a key holding the wrong kind of value")
    }

    @Test func lostBytesInsideABulkStringKeepTheStreamAligned() {
        let s = RedisSession(limits: ProtocolLimits(textLimit: 20))
        _ = s.consume(Self.cmd("GET", "big") + Self.cmd("GET", "small"), side: .request, time: 1)
        var r = s.consume(Self.bytes("$100\r\n") + Array(repeating: 120, count: 10), side: .response, time: 2)
        r += s.skip(80, side: .response, time: 3)
        r += s.consume(Array(repeating: 120, count: 10) + Self.bytes("\r\n$2\r\nok\r\n"), side: .response, time: 4)
        #expect(cmds(r) == ["GET", "GET"])
        #expect(resps(r)[0].utf8.count == 20)
        #expect(resps(r)[1] == "ok")
        #expect(s.errors == 0)
    }

    @Test func garbageResynchronisesAtTheNextCommand() {
        let s = RedisSession(limits: ProtocolLimits())
        _ = s.consume(Self.bytes("\u{1}\u{2}garbage\r\n"), side: .request, time: 1)
        #expect(s.errors == 1)
        _ = s.consume(Self.bytes("more garbage"), side: .request, time: 2)
        _ = s.consume(Self.cmd("GET", "x"), side: .request, time: 3)
        let r = s.consume(Self.bytes("$1\r\ny\r\n"), side: .response, time: 4)
        #expect(cmds(r) == ["GET"] && resps(r) == ["y"])
        #expect(s.errors == 1)
    }

    @Test func repliesWithoutCommandsAreCountedNotInvented() {
        let s = RedisSession(limits: ProtocolLimits())
        #expect(s.consume(Self.bytes("+OK\r\n"), side: .response, time: 1).isEmpty)
        #expect(s.unmatched == 1)
        _ = s.consume(Self.cmd("GET", "x"), side: .request, time: 2)
        #expect(s.finish(time: 3).isEmpty)
        #expect(s.unmatched == 2)
    }

    static let corpus: [ProtocolFuzzer.Conversation] = [
        .init(requests: cmd("SET", "a", "1") + cmd("GET", "a") + cmd("HGETALL", "h"),
              responses: bytes("+OK\r\n$1\r\n1\r\n*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$-1\r\n")),
        .init(requests: cmd("SUBSCRIBE", "a", "b") + cmd("UNSUBSCRIBE"),
              responses: bytes("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n")),
        .init(requests: cmd("HELLO", "3") + bytes("PING\r\n"),
              responses: bytes("%2\r\n+a\r\n,1.5\r\n+b\r\n~1\r\n#f\r\n|1\r\n+k\r\n_\r\n>2\r\n+x\r\n(9\r\n=5\r\ntxt:a\r\n!3\r\nERR\r\n")),
    ]

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) { RedisSession(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8)) }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}

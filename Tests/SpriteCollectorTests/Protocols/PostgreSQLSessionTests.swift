import Testing
@testable import SpriteCollector

/// PostgreSQL message parsing and stitching on byte streams: no root needed.
@Suite struct PostgreSQLSessionTests {
    /// A typed message: type, length, payload.
    static func msg(_ type: Character, _ payload: [UInt8] = []) -> [UInt8] {
        let n = UInt32(payload.count + 4)
        return [UInt8(type.asciiValue!)] + be32(n) + payload
    }
    static func be32(_ n: UInt32) -> [UInt8] { [UInt8(n >> 24), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)] }
    static func be16(_ n: Int) -> [UInt8] { [UInt8(n >> 8 & 255), UInt8(n & 255)] }
    static func cstr(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

    static let sslRequest: [UInt8] = be32(8) + be32(80_877_103)
    static let startup: [UInt8] = {
        let body = be32(196_608) + cstr("user") + cstr("postgres") + cstr("database") + cstr("postgres") + [0]
        return be32(UInt32(body.count + 4)) + body
    }()
    static let startupReplies: [UInt8] = msg("R", be32(0)) + msg("S", cstr("server_version") + cstr("15.0"))
        + msg("K", be32(1) + be32(2)) + msg("Z", Array("I".utf8))
    static func query(_ sql: String) -> [UInt8] { msg("Q", cstr(sql)) }
    static func rowDescription(_ names: [String]) -> [UInt8] {
        msg("T", be16(names.count) + names.flatMap { cstr($0) + [UInt8](repeating: 0, count: 18) })
    }
    static func dataRow(_ cells: [String?]) -> [UInt8] {
        msg("D", be16(cells.count) + cells.flatMap { c in c.map { be32(UInt32($0.utf8.count)) + Array($0.utf8) } ?? be32(0xFFFF_FFFF) })
    }
    static func complete(_ tag: String) -> [UInt8] { msg("C", cstr(tag)) }
    static let ready = msg("Z", Array("I".utf8))
    static func error(_ code: String, _ message: String) -> [UInt8] {
        msg("E", [UInt8(ascii: "S")] + cstr("ERROR") + [UInt8(ascii: "V")] + cstr("ERROR") + [UInt8(ascii: "C")] + cstr(code)
            + [UInt8(ascii: "M")] + cstr(message) + [0])
    }
    static func parse(_ name: String, _ sql: String) -> [UInt8] { msg("P", cstr(name) + cstr(sql) + be16(0)) }
    static func bind(_ portal: String, _ stmt: String, _ params: [String]) -> [UInt8] {
        msg("B", cstr(portal) + cstr(stmt) + be16(0) + be16(params.count) + params.flatMap { be32(UInt32($0.utf8.count)) + Array($0.utf8) } + be16(0))
    }
    static func describe(_ kind: Character, _ name: String) -> [UInt8] { msg("D", [UInt8(kind.asciiValue!)] + cstr(name)) }
    static func execute(_ portal: String) -> [UInt8] { msg("E", cstr(portal) + be32(0)) }
    static let sync = msg("S")

    func run(_ steps: [(MessageSide, [UInt8])]) -> (PostgreSQLSession, [ProtocolRecord]) {
        let s = PostgreSQLSession(limits: ProtocolLimits(textLimit: 200))
        var out: [ProtocolRecord] = []
        for (i, (side, b)) in steps.enumerated() { out += s.consume(b, side: side, time: UInt64(10 * (i + 1))) }
        return (s, out)
    }

    func column(_ r: [ProtocolRecord], _ name: String) -> [String] { r.map { $0[name]!.description } }

    @Test func sslRefusalStartupAndSimpleQueries() {
        let (s, r) = run([
            (.request, Self.sslRequest), (.response, Array("N".utf8)),
            (.request, Self.startup), (.response, Self.startupReplies),
            (.request, Self.query("SELECT a, b FROM t")),
            (.response, Self.rowDescription(["a", "b"]) + Self.dataRow(["1", "x"]) + Self.dataRow(["2", nil]) + Self.complete("SELECT 2") + Self.ready),
            (.request, Self.query("SELECT * FROM nope")),
            (.response, Self.error("42P01", #"relation "nope" does not exist"#) + Self.ready),
            (.request, Self.query("")),
            (.response, Self.msg("I") + Self.ready),
        ])
        #expect(column(r, "req_cmd") == ["QUERY", "QUERY", "QUERY"])
        #expect(column(r, "req") == ["SELECT a, b FROM t", "SELECT * FROM nope", ""])
        #expect(column(r, "resp") == ["a,b\n1,x\n2,NULL\nSELECT 2", #"ERROR 42P01: relation "nope" does not exist"#, "EMPTY QUERY"])
        #expect(r[0].requestTime == 50 && r[0].responseTime == 60)
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func extendedProtocolWithNamedStatementAndPortal() {
        let (s, r) = run([
            (.request, Self.parse("s1", "SELECT $1::int + 1") + Self.describe("S", "s1") + Self.sync),
            (.response, Self.msg("1") + Self.msg("t", Self.be16(1) + Self.be32(23)) + Self.rowDescription(["?column?"]) + Self.ready),
            (.request, Self.bind("p1", "s1", ["41"]) + Self.describe("P", "p1") + Self.execute("p1") + Self.sync),
            (.response, Self.msg("2") + Self.rowDescription(["?column?"]) + Self.dataRow(["42"]) + Self.complete("SELECT 1") + Self.ready),
        ])
        #expect(column(r, "req_cmd") == ["PARSE", "DESCRIBE", "BIND", "DESCRIBE", "EXECUTE"])
        #expect(column(r, "req") == ["statement=[s1] query=[SELECT $1::int + 1]", "statement=[s1]",
                                     "portal=[p1] statement=[s1] params=[41]", "portal=[p1]",
                                     "portal=[p1] query=[SELECT $1::int + 1] params=[41]"])
        #expect(column(r, "resp") == ["PARSE COMPLETE", "params=[23] columns=[?column?]", "BIND COMPLETE", "columns=[?column?]", "42\nSELECT 1"])
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func errorSkipsTheRestOfTheBatchUntilSync() {
        let (s, r) = run([
            (.request, Self.parse("", "SELECT * FROM nope") + Self.bind("", "", []) + Self.execute("") + Self.sync),
            (.response, Self.error("42P01", #"relation "nope" does not exist"#) + Self.ready),
            (.request, Self.parse("", "SELECT 1") + Self.bind("", "", []) + Self.execute("") + Self.sync),
            (.response, Self.msg("1") + Self.msg("2") + Self.dataRow(["1"]) + Self.complete("SELECT 1") + Self.ready),
        ])
        #expect(column(r, "req_cmd") == ["PARSE", "PARSE", "BIND", "EXECUTE"])
        #expect(column(r, "resp") == [#"ERROR 42P01: relation "nope" does not exist"#, "PARSE COMPLETE", "BIND COMPLETE", "1\nSELECT 1"])
        #expect(s.unmatched == 0)
    }

    @Test func acceptedSSLStopsDecoding() {
        let (s, r) = run([(.request, Self.sslRequest), (.response, Array("S".utf8)), (.request, [0x16, 3, 1, 0, 5]), (.response, [0x16, 3, 3])])
        #expect(r.isEmpty && s.errors == 0)
    }

    @Test func messagesSplitAtEveryPosition() {
        let req = Self.query("SELECT 1")
        let resp = Self.rowDescription(["x"]) + Self.dataRow(["1"]) + Self.complete("SELECT 1") + Self.ready
        for split in 1..<resp.count {
            let (_, r) = run([(.request, req), (.response, Array(resp[..<split])), (.response, Array(resp[split...]))])
            #expect(column(r, "resp") == ["x\n1\nSELECT 1"])
        }
    }

    @Test func lostBytesInsideARowKeepTheStreamAligned() {
        let s = PostgreSQLSession(limits: ProtocolLimits(textLimit: 200))
        _ = s.consume(Self.query("SELECT big"), side: .request, time: 1)
        let big = Self.dataRow([String(repeating: "x", count: 1000)])
        var r = s.consume(Self.rowDescription(["big"]) + Array(big[..<100]), side: .response, time: 2)
        r += s.skip(800, side: .response, time: 3)
        r += s.consume(Array(big[900...]) + Self.complete("SELECT 1") + Self.ready, side: .response, time: 4)
        #expect(column(r, "req_cmd") == ["QUERY"])
        #expect(r.first?["resp"]?.description.hasSuffix("SELECT 1") == true)
        #expect(s.errors == 0)
    }

    static let corpus: [ProtocolFuzzer.Conversation] = [
        .init(requests: sslRequest + startup + query("SELECT a FROM t") + query("BAD"),
              responses: Array("N".utf8) + startupReplies + rowDescription(["a"]) + dataRow(["1"]) + dataRow([nil]) + complete("SELECT 2") + ready
                + error("42601", "syntax error") + ready),
        .init(requests: parse("s", "SELECT $1") + describe("S", "s") + sync + bind("p", "s", ["x"]) + execute("p") + sync,
              responses: msg("1") + msg("t", be16(1) + be32(25)) + rowDescription(["c"]) + ready + msg("2") + dataRow(["x"]) + complete("SELECT 1") + ready),
        .init(requests: parse("", "SELECT nope") + bind("", "", []) + execute("") + sync,
              responses: error("42703", "column") + msg("N", [0]) + ready),
    ]

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) { PostgreSQLSession(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8)) }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}

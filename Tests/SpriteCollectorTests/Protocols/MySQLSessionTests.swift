import Testing
@testable import SpriteCollector

/// MySQL packet parsing and stitching on byte streams: no root needed.
@Suite struct MySQLSessionTests {
    static func packet(_ seq: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [UInt8(n & 255), UInt8(n >> 8 & 255), UInt8(n >> 16 & 255), seq] + payload
    }
    static func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(v >> (8 * $0) & 255) } }
    static func lenencString(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }

    static let greeting = packet(0, [10] + Array("5.5.5-10.11.6-MariaDB".utf8) + [0] + [UInt8](repeating: 1, count: 40))
    static func handshakeResponse(deprecateEOF: Bool) -> [UInt8] {
        let caps = 0x0000_A20F | (deprecateEOF ? 1 << 24 : 0)
        return packet(1, le(caps, 4) + le(1 << 24, 4) + [33] + [UInt8](repeating: 0, count: 23) + Array("root".utf8) + [0])
    }
    static let ok = packet(2, [0, 0, 0, 2, 0, 0, 0])
    static func command(_ cmd: UInt8, _ body: [UInt8]) -> [UInt8] { packet(0, [cmd] + body) }
    static func query(_ sql: String) -> [UInt8] { command(3, Array(sql.utf8)) }
    static func okPacket(_ seq: UInt8, status: Int = 2) -> [UInt8] { packet(seq, [0, 1, 0] + le(status, 2) + [0, 0]) }
    static func eof(_ seq: UInt8, status: Int = 2) -> [UInt8] { packet(seq, [0xFE, 0, 0] + le(status, 2)) }
    static func err(_ seq: UInt8, _ code: Int, _ state: String, _ message: String) -> [UInt8] {
        packet(seq, [0xFF] + le(code, 2) + Array(("#" + state + message).utf8))
    }
    static func columnDef(_ seq: UInt8, _ name: String) -> [UInt8] {
        packet(seq, lenencString("def") + lenencString("db") + lenencString("t") + lenencString("t") + lenencString(name) + lenencString(name)
            + [0x0C] + le(33, 2) + le(11, 4) + [3] + le(0, 2) + [0, 0, 0])
    }
    /// A text result set with the given rows, with or without the EOF after the columns.
    static func resultSet(_ columns: [String], _ rows: [[String]], deprecateEOF: Bool, status: Int = 2) -> [UInt8] {
        var seq: UInt8 = 1
        var out = packet(seq, [UInt8(columns.count)])
        for c in columns { seq += 1; out += columnDef(seq, c) }
        if !deprecateEOF { seq += 1; out += eof(seq) }
        for r in rows { seq += 1; out += packet(seq, r.flatMap { lenencString($0) }) }
        seq += 1
        out += deprecateEOF ? packet(seq, [0xFE, 0, 0] + le(status, 2) + [0, 0]) : eof(seq, status: status)
        return out
    }

    func run(_ steps: [(MessageSide, [UInt8])], deprecateEOF: Bool = false) -> (MySQLSession, [ProtocolRecord]) {
        let s = MySQLSession(limits: ProtocolLimits(textLimit: 200))
        var out: [ProtocolRecord] = []
        let handshake: [(MessageSide, [UInt8])] = [(.response, Self.greeting), (.request, Self.handshakeResponse(deprecateEOF: deprecateEOF)), (.response, Self.ok)]
        for (i, (side, b)) in (handshake + steps).enumerated() { out += s.consume(b, side: side, time: UInt64(10 * (i + 1))) }
        return (s, out)
    }

    func column(_ r: [ProtocolRecord], _ name: String) -> [String] { r.map { $0[name]!.description } }

    @Test(arguments: [false, true]) func queriesResultSetsAndErrors(deprecateEOF: Bool) {
        let (s, r) = run([
            (.request, Self.query("SELECT id, name FROM fruit")),
            (.response, Self.resultSet(["id", "name"], [["1", "apple"], ["2", "pear"], ["3", "fig"]], deprecateEOF: deprecateEOF)),
            (.request, Self.query("SELECT * FROM nope")),
            (.response, Self.err(1, 1146, "42S02", "Table 'db.nope' doesn't exist")),
            (.request, Self.query("INSERT INTO fruit VALUES (4, 'kiwi')")),
            (.response, Self.okPacket(1)),
            (.request, Self.query("SELECT 1 FROM fruit WHERE 0")),
            (.response, Self.resultSet(["1"], [], deprecateEOF: deprecateEOF)),
        ], deprecateEOF: deprecateEOF)
        #expect(column(r, "req_cmd") == ["3", "3", "3", "3"])
        #expect(column(r, "req_body") == ["SELECT id, name FROM fruit", "SELECT * FROM nope", "INSERT INTO fruit VALUES (4, 'kiwi')", "SELECT 1 FROM fruit WHERE 0"])
        #expect(column(r, "resp_status") == ["2", "3", "2", "2"])
        #expect(column(r, "resp_body") == ["Resultset rows = 3", "Table 'db.nope' doesn't exist", "", "Resultset rows = 0"])
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func multipleResultSets() {
        let more = 0x0008 | 2
        let first = Self.resultSet(["a"], [["1"]], deprecateEOF: false, status: more)
        let (_, r) = run([(.request, Self.query("CALL two()")), (.response, first + Self.resultSet(["b"], [["2"], ["3"]], deprecateEOF: false))])
        // Rows of every result set of the command.
        #expect(column(r, "resp_body") == ["Resultset rows = 3"])
    }

    @Test func preparedStatementsRecoverTheirText() {
        let prepareOK = Self.packet(1, [0] + Self.le(7, 4) + Self.le(1, 2) + Self.le(1, 2) + [0, 0, 0])
        let defs = Self.columnDef(2, "?") + Self.eof(3) + Self.columnDef(4, "name") + Self.eof(5)
        let binaryRow = Self.packet(3, [0, 0] + Self.lenencString("pear"))
        let executeResult = Self.packet(1, [1]) + Self.columnDef(2, "name") + Self.eof(3) + binaryRow.enumerated().map { $0.offset == 3 ? 4 : $0.element } + Self.eof(5)
        let (s, r) = run([
            (.request, Self.command(0x16, Array("SELECT name FROM fruit WHERE id = ?".utf8))),
            (.response, prepareOK + defs),
            (.request, Self.command(0x17, Self.le(7, 4) + [0] + Self.le(1, 4) + [0, 1, 3, 0] + Self.le(2, 4))),
            (.response, executeResult),
            (.request, Self.command(0x19, Self.le(7, 4))),
            (.request, Self.command(0x17, Self.le(7, 4) + [0] + Self.le(1, 4))),
            (.response, Self.err(1, 1243, "HY000", "Unknown prepared statement handler (7) given to mysqld_stmt_execute")),
        ])
        #expect(column(r, "req_cmd") == ["22", "23", "25", "23"])
        #expect(column(r, "req_body") == ["SELECT name FROM fruit WHERE id = ?", "SELECT name FROM fruit WHERE id = ?", "SELECT name FROM fruit WHERE id = ?", ""])
        #expect(column(r, "resp_status") == ["2", "2", "1", "3"])
        #expect(column(r, "resp_body") == ["", "Resultset rows = 1", "", "Unknown prepared statement handler (7) given to mysqld_stmt_execute"])
        #expect(s.errors == 0 && s.unmatched == 0)
    }

    @Test func splitAtEveryPosition() {
        let resp = Self.resultSet(["x"], [["1"], ["2"]], deprecateEOF: false)
        for split in 1..<resp.count {
            let (_, r) = run([(.request, Self.query("SELECT x")), (.response, Array(resp[..<split])), (.response, Array(resp[split...]))])
            #expect(column(r, "resp_body") == ["Resultset rows = 2"])
        }
    }

    static let corpus: [ProtocolFuzzer.Conversation] = [
        .init(requests: handshakeResponse(deprecateEOF: false) + query("SELECT a") + query("BAD"),
              responses: greeting + ok + resultSet(["a"], [["1"], ["2"]], deprecateEOF: false) + err(1, 1064, "42000", "syntax")),
        .init(requests: handshakeResponse(deprecateEOF: true) + command(0x16, Array("SELECT ?".utf8)) + command(0x17, le(1, 4) + [0, 1, 0, 0, 0]) + command(0x19, le(1, 4)),
              responses: greeting + ok + packet(1, [0] + le(1, 4) + le(1, 2) + le(1, 2) + [0, 0, 0]) + columnDef(2, "?") + columnDef(3, "c")
                + resultSet(["c"], [["x"]], deprecateEOF: true)),
    ]

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) { MySQLSession(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8)) }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}

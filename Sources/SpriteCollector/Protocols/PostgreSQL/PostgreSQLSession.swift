/// Stitches PostgreSQL requests to responses on one connection.
///
/// Simple queries (`Q`) and the extended protocol (Parse/Bind/Describe/Execute/Close/Sync) are
/// matched in order: every request message waits for the response messages that answer it
/// (ParseComplete, BindComplete, ParameterDescription + RowDescription/NoData, DataRows up to
/// CommandComplete, ReadyForQuery). After an error the server skips everything up to Sync, and
/// so does the session. Statement and portal names map back to their query text, so an EXECUTE
/// row carries the SQL it ran. The startup phase (SSLRequest refused with 'N', StartupMessage,
/// authentication, parameters) produces no rows; an accepted SSLRequest ends decoding (TLS follows).
///
/// Rows (`req_cmd`, `req`, `resp`):
/// - `QUERY`: the SQL; the response as `column,...` header, one line per row (text values,
///   `NULL`), and the command tags, e.g. `a,b\n1,x\nSELECT 1`; errors as `ERROR 42P01: message`.
/// - `PARSE`: `statement=[name] query=[SQL]` → `PARSE COMPLETE`.
/// - `BIND`: `portal=[p] statement=[s] params=[v1, v2]` → `BIND COMPLETE`.
/// - `DESCRIBE`: `statement=[s]` or `portal=[p]` → `params=[oids] columns=[names]` or `NO DATA`.
/// - `EXECUTE`: `portal=[p] query=[SQL] params=[...]` → rows and tag as for QUERY.
final class PostgreSQLSession: ProtocolSession {
    private enum Op {
        case query(String)
        case parse(statement: String, query: String)
        case bind(portal: String, statement: String, params: [String])
        case describe(kind: UInt8, name: String)
        case execute(portal: String)
        case close
        case sync
    }

    private struct Pending {
        var op: Op
        var time: UInt64
        var result = ResultText()
        var paramTypes: [Int] = []
    }

    /// Rows and tags of a result as text, within the limit.
    private struct ResultText {
        var columns: [String] = []
        var lines: [String] = []
        var size = 0
        var rows = 0
        var truncated = false

        /// Adds a line if it fits; `always` lines (command tags, errors) are kept regardless.
        mutating func add(_ line: String, limit: Int, always: Bool = false) {
            if !always && size + line.utf8.count + 1 > limit {
                if !truncated { lines.append("...") }
                truncated = true
                return
            }
            lines.append(line)
            size += line.utf8.count + 1
        }
    }

    private var requests: FrameStream<PGParser>
    private var responses: FrameStream<PGParser>
    private var pending: [Pending] = []
    /// Statement name → query text and parameter type OIDs (from Parse).
    private var statements: [String: (query: String, types: [Int])] = [:]
    private var portals: [String: (statement: String, params: [String])] = [:]
    /// Until the first ReadyForQuery after a StartupMessage, responses answer no request.
    private var inStartup = false
    /// After an error in the extended protocol: ops up to the next Sync get no response.
    private var skippingToSync = false
    private var encrypted = false
    private let limits: ProtocolLimits
    private(set) var unmatched = 0

    var errors: Int { requests.errors + responses.errors }

    init(limits: ProtocolLimits) {
        self.limits = limits
        requests = FrameStream(parser: PGParser(side: .request), maxBufferBytes: limits.maxBufferBytes)
        responses = FrameStream(parser: PGParser(side: .response), maxBufferBytes: limits.maxBufferBytes)
    }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        guard !encrypted else { return [] }
        switch side {
        case .request:
            for f in requests.feed(bytes, time: time) { request(f) }
            return []
        case .response:
            var out: [ProtocolRecord] = []
            for f in responses.feed(bytes, time: time) { response(f, into: &out) }
            return out
        }
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        guard !encrypted else { return [] }
        switch side {
        case .request:
            for f in requests.skip(count, time: time) { request(f) }
            return []
        case .response:
            var out: [ProtocolRecord] = []
            for f in responses.skip(count, time: time) { response(f, into: &out) }
            return out
        }
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        unmatched += pending.filter { if case .sync = $0.op { false } else if case .close = $0.op { false } else { true } }.count
        pending.removeAll()
        return []
    }

    // MARK: - Requests

    private func request(_ f: Timed<PGMessage>) {
        let m = f.frame
        var r = PGReader(m.payload)
        let op: Op
        switch m.type {
        case 0:
            let code = UInt32(truncatingIfNeeded: r.int32() ?? 0)
            if code == PGMessage.sslRequest || code == PGMessage.gssEncRequest {
                responses.parser.expectEncryptionReply = true
            } else if code >> 16 == 3 {
                inStartup = true
            }
            return
        case UInt8(ascii: "Q"):
            op = .query(r.cString() ?? "")
        case UInt8(ascii: "P"):
            let name = r.cString() ?? ""
            let query = r.cString() ?? ""
            let n = r.int16() ?? 0
            statements[name] = (query, (0..<max(0, n)).compactMap { _ in r.int32() })
            if statements.count > 4096 { statements.removeAll() }
            op = .parse(statement: name, query: query)
        case UInt8(ascii: "B"):
            let portal = r.cString() ?? ""
            let statement = r.cString() ?? ""
            let params = Self.bindParameters(&r, types: statements[statement]?.types ?? [], limit: limits.textLimit)
            portals[portal] = (statement, params)
            if portals.count > 4096 { portals.removeAll() }
            op = .bind(portal: portal, statement: statement, params: params)
        case UInt8(ascii: "D"):
            op = .describe(kind: r.byte() ?? 0, name: r.cString() ?? "")
        case UInt8(ascii: "E"):
            op = .execute(portal: r.cString() ?? "")
        case UInt8(ascii: "C"):
            let kind = r.byte()
            let name = r.cString() ?? ""
            if kind == UInt8(ascii: "S") { statements[name] = nil } else { portals[name] = nil }
            op = .close
        case UInt8(ascii: "S"):
            op = .sync
        default:
            // Flush, Terminate, password, COPY data, function calls: nothing to match.
            return
        }
        pending.append(Pending(op: op, time: f.start))
        if pending.count > limits.maxPending {
            pending.removeFirst()
            unmatched += 1
        }
    }

    /// Parameter values of a Bind: text formats as text, binary ones decoded by their type
    /// (integers, floats, booleans, text) or as hex.
    private static func bindParameters(_ r: inout PGReader, types: [Int], limit: Int) -> [String] {
        guard let nFormats = r.int16(), nFormats >= 0 else { return [] }
        var formats: [Int] = []
        for _ in 0..<nFormats { formats.append(r.int16() ?? 0) }
        guard let n = r.int16(), n >= 0 else { return [] }
        var out: [String] = []
        var size = 0
        for i in 0..<n {
            guard let len = r.int32() else { break }
            let format = formats.isEmpty ? 0 : formats.count == 1 ? formats[0] : (i < formats.count ? formats[i] : 0)
            if len < 0 { out.append("NULL"); continue }
            guard let bytes = r.take(len) else { break }
            let text = format == 0 ? String(decoding: bytes, as: UTF8.self) : Self.binary(bytes, type: i < types.count ? types[i] : 0)
            size += text.utf8.count
            if size > limit { out.append("..."); break }
            out.append(text)
        }
        return out
    }

    /// A binary-format value of type `oid` as text.
    static func binary(_ b: ArraySlice<UInt8>, type oid: Int) -> String {
        func integer() -> Int64 {
            var v: Int64 = Int64(Int8(bitPattern: b.first ?? 0))
            for x in b.dropFirst() { v = v << 8 | Int64(x) }
            return v
        }
        switch (oid, b.count) {
        case (16, 1): return b.first == 0 ? "f" : "t"
        case (20, 8), (21, 2), (23, 4), (26, 4): return String(integer())
        case (700, 4): return String(Float(bitPattern: UInt32(truncatingIfNeeded: integer())))
        case (701, 8): return String(Double(bitPattern: UInt64(bitPattern: integer())))
        case (25, _), (1043, _), (19, _), (1042, _): return String(decoding: b, as: UTF8.self)
        default: return hex(b)
        }
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = Array("\\x".utf8)
        for b in bytes.prefix(256) { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Responses

    private func response(_ f: Timed<PGMessage>, into out: inout [ProtocolRecord]) {
        let m = f.frame
        switch m.type {
        case UInt8(ascii: "N") where m.payload.isEmpty, UInt8(ascii: "G") where m.payload.isEmpty:
            return  // encryption refused: the startup message follows in the clear
        case UInt8(ascii: "S") where m.payload.isEmpty:
            encrypted = true
            return
        case UInt8(ascii: "N"), UInt8(ascii: "A"):
            return  // notices and notifications are asynchronous
        case UInt8(ascii: "S") where inStartup || pending.isEmpty:
            return  // ParameterStatus
        default:
            break
        }
        if inStartup {
            if m.type == UInt8(ascii: "Z") { inStartup = false }
            return
        }
        if m.type == UInt8(ascii: "S") { return }  // ParameterStatus after SET
        guard !pending.isEmpty else {
            unmatched += 1
            return
        }
        let limit = limits.textLimit
        switch pending[0].op {
        case .query(let sql):
            guard m.type != UInt8(ascii: "Z") else {
                let p = pending.removeFirst()
                out.append(record("QUERY", sql, Self.text(p.result), p.time, f.end))
                return
            }
            collect(m, into: &pending[0].result, limit: limit)
        case .parse(let statement, let query):
            guard let reply = extendedReply(m, expected: "1", into: &out) else { return }
            let p = pending.removeFirst()
            out.append(record("PARSE", "statement=[\(statement)] query=[\(query)]", reply ?? "PARSE COMPLETE", p.time, f.end))
        case .bind(let portal, let statement, let params):
            guard let reply = extendedReply(m, expected: "2", into: &out) else { return }
            let p = pending.removeFirst()
            out.append(record("BIND", "portal=[\(portal)] statement=[\(statement)] params=[\(params.joined(separator: ", "))]",
                              reply ?? "BIND COMPLETE", p.time, f.end))
        case .describe(let kind, let name):
            if m.type == UInt8(ascii: "t") {
                var r = PGReader(m.payload)
                let n = r.int16() ?? 0
                pending[0].paramTypes = (0..<max(0, n)).compactMap { _ in r.int32() }
                return
            }
            let req = (kind == UInt8(ascii: "S") ? "statement=[" : "portal=[") + name + "]"
            let p = pending[0]
            if m.type == UInt8(ascii: "T") || m.type == UInt8(ascii: "n") {
                pending.removeFirst()
                var parts: [String] = []
                if kind == UInt8(ascii: "S") { parts.append("params=[" + p.paramTypes.map(String.init).joined(separator: ", ") + "]") }
                parts.append(m.type == UInt8(ascii: "n") ? "NO DATA" : "columns=[" + Self.columns(m.payload).joined(separator: ", ") + "]")
                out.append(record("DESCRIBE", req, parts.joined(separator: " "), p.time, f.end))
            } else if let reply = extendedReply(m, expected: "", into: &out) {
                pending.removeFirst()
                out.append(record("DESCRIBE", req, reply ?? "", p.time, f.end))
            }
        case .execute(let portal):
            switch m.type {
            case UInt8(ascii: "C"), UInt8(ascii: "I"), UInt8(ascii: "s"), UInt8(ascii: "E"):
                collect(m, into: &pending[0].result, limit: limit)
                let p = pending.removeFirst()
                if m.type == UInt8(ascii: "E") { skippingToSync = true }
                let bound = portals[portal]
                let sql = bound.flatMap { statements[$0.statement]?.query } ?? ""
                let req = "portal=[\(portal)] query=[\(sql)] params=[\((bound?.params ?? []).joined(separator: ", "))]"
                out.append(record("EXECUTE", req, Self.text(p.result), p.time, f.end))
            case UInt8(ascii: "Z"):
                // No completion seen (an earlier error): the execute got no response.
                pending.removeFirst()
                response(f, into: &out)
            default:
                collect(m, into: &pending[0].result, limit: limit)
            }
        case .close:
            pending.removeFirst()
            if m.type != UInt8(ascii: "3") { response(f, into: &out) }
        case .sync:
            if m.type == UInt8(ascii: "Z") {
                pending.removeFirst()
                skippingToSync = false
            } else {
                unmatched += 1
            }
        }
        if skippingToSync { dropUntilSync() }
    }

    /// The reply to a Parse/Bind/Describe: `.some(nil)` for the expected completion, the error
    /// text for an ErrorResponse, nil when the message is not for this op (it is then skipped).
    private func extendedReply(_ m: PGMessage, expected: String, into out: inout [ProtocolRecord]) -> String?? {
        if m.type == UInt8(ascii: "E") {
            skippingToSync = true
            return .some(Self.errorText(m.payload))
        }
        if let e = expected.utf8.first, m.type == e { return .some(nil) }
        if m.type == UInt8(ascii: "Z") {
            // The op was skipped after an error: drop it and let Sync take the ReadyForQuery.
            pending.removeFirst()
            dropUntilSync()
            if let first = pending.first, case .sync = first.op { pending.removeFirst() }
            skippingToSync = false
            return nil
        }
        unmatched += 1
        return nil
    }

    private func dropUntilSync() {
        while let first = pending.first {
            if case .sync = first.op { return }
            if case .query = first.op { return }
            pending.removeFirst()
        }
    }

    private func collect(_ m: PGMessage, into result: inout ResultText, limit: Int) {
        switch m.type {
        case UInt8(ascii: "T"):
            result.columns = Self.columns(m.payload)
            result.add(result.columns.joined(separator: ","), limit: limit)
        case UInt8(ascii: "D"):
            result.rows += 1
            if !result.truncated { result.add(Self.dataRow(m.payload), limit: limit) }
        case UInt8(ascii: "C"):
            var r = PGReader(m.payload)
            result.add(r.cString() ?? "", limit: limit, always: true)
        case UInt8(ascii: "I"):
            result.add("EMPTY QUERY", limit: limit)
        case UInt8(ascii: "s"):
            result.add("PORTAL SUSPENDED", limit: limit)
        case UInt8(ascii: "E"):
            result.add(Self.errorText(m.payload), limit: limit, always: true)
        default:
            break
        }
    }

    private static func text(_ r: ResultText) -> String {
        r.lines.joined(separator: "\n")
    }

    static func columns(_ payload: [UInt8]) -> [String] {
        var r = PGReader(payload)
        guard let n = r.int16(), n >= 0 else { return [] }
        var out: [String] = []
        for _ in 0..<n {
            guard let name = r.cString(), r.take(18) != nil else { break }
            out.append(name)
        }
        return out
    }

    static func dataRow(_ payload: [UInt8]) -> String {
        var r = PGReader(payload)
        guard let n = r.int16(), n >= 0 else { return "" }
        var cells: [String] = []
        for _ in 0..<n {
            guard let len = r.int32() else { break }
            if len < 0 { cells.append("NULL"); continue }
            guard let v = r.take(len) else { break }
            let printable = v.allSatisfy { $0 >= 32 || $0 == 9 || $0 == 10 || $0 == 13 }
            cells.append(printable ? String(decoding: v, as: UTF8.self) : hex(v))
        }
        return cells.joined(separator: ",")
    }

    /// `SEVERITY CODE: message` from an ErrorResponse's fields.
    static func errorText(_ payload: [UInt8]) -> String {
        var r = PGReader(payload)
        var fields: [UInt8: String] = [:]
        while let type = r.byte(), type != 0, let value = r.cString() { fields[type] = value }
        let severity = fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? "ERROR"
        let code = fields[UInt8(ascii: "C")].map { " " + $0 } ?? ""
        return severity + code + ": " + (fields[UInt8(ascii: "M")] ?? "")
    }

    private func record(_ cmd: String, _ req: String, _ resp: String, _ start: UInt64, _ end: UInt64) -> ProtocolRecord {
        ProtocolRecord(table: .pgsql, requestTime: start, responseTime: end, values: [
            .string(cmd), .string(req.truncated(toUTF8: limits.textLimit)), .string(resp.truncated(toUTF8: limits.textLimit)),
        ])
    }
}

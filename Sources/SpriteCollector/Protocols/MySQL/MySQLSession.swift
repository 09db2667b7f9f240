/// Stitches MySQL commands to responses on one connection.
///
/// The handshake (server greeting, client handshake response with its capability flags,
/// authentication exchange) produces no rows. In the command phase every client packet with
/// sequence 0 starts a command; the server's packets answer the oldest command: OK, ERR, or a
/// result set (column count, column definitions, an EOF unless CLIENT_DEPRECATE_EOF, rows, and a
/// terminating EOF/OK, followed by more result sets while SERVER_MORE_RESULTS_EXISTS is set).
/// COM_STMT_PREPARE's OK gives the statement id, which maps COM_STMT_EXECUTE and COM_STMT_CLOSE
/// back to their SQL; COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA have no response.
///
/// Rows (`req_cmd`, `req_body`, `resp_status`, `resp_body`): the command byte (3 COM_QUERY, 22
/// prepare, 23 execute, 25 close, ...), the SQL, status 1 none / 2 OK / 3 error, and `""` for OK,
/// `Resultset rows = N` for result sets, the server's message for errors.
final class MySQLSession: ProtocolSession {
    enum Command: Int {
        case quit = 0x01, initDB = 0x02, query = 0x03, fieldList = 0x04, ping = 0x0E, changeUser = 0x11
        case stmtPrepare = 0x16, stmtExecute = 0x17, stmtSendLongData = 0x18, stmtClose = 0x19, stmtReset = 0x1A
        case setOption = 0x1B, stmtFetch = 0x1C, resetConnection = 0x1F
    }

    private enum Phase {
        case first
        case columns(remaining: Int)
        case columnsEOF
        case rows
        /// Definitions after a prepare OK still to skip.
        case skip(remaining: Int)
    }

    private struct Pending {
        var command: Int
        var body: String
        var time: UInt64
        var phase: Phase = .first
        var rows = 0
        var statementID: Int?
    }

    static let clientDeprecateEOF = 1 << 24
    static let clientQueryAttributes = 1 << 27
    static let serverMoreResultsExist = 0x0008

    private var requests: FrameStream<MySQLParser>
    private var responses: FrameStream<MySQLParser>
    private var pending: [Pending] = []
    private var statements: [Int: String] = [:]
    private var capabilities: Int?
    /// Whether a command was seen (before it, server packets belong to the handshake).
    private var commandPhase = false
    private var partialRequest: (seq: UInt8, payload: [UInt8], time: UInt64)?
    private let limits: ProtocolLimits
    private(set) var unmatched = 0

    var errors: Int { requests.errors + responses.errors }

    init(limits: ProtocolLimits) {
        self.limits = limits
        requests = FrameStream(parser: MySQLParser(side: .request), maxBufferBytes: limits.maxBufferBytes)
        responses = FrameStream(parser: MySQLParser(side: .response), maxBufferBytes: limits.maxBufferBytes)
    }

    private var deprecateEOF: Bool { (capabilities ?? 0) & Self.clientDeprecateEOF != 0 }

    func consume(_ bytes: UnsafeRawBufferPointer, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        switch side {
        case .request:
            var out: [ProtocolRecord] = []
            for f in requests.feed(bytes, time: time) { request(f, into: &out) }
            return out
        case .response:
            var out: [ProtocolRecord] = []
            for f in responses.feed(bytes, time: time) { response(f, into: &out) }
            return out
        }
    }

    func skip(_ count: Int, side: MessageSide, time: UInt64) -> [ProtocolRecord] {
        var out: [ProtocolRecord] = []
        switch side {
        case .request: for f in requests.skip(count, time: time) { request(f, into: &out) }
        case .response: for f in responses.skip(count, time: time) { response(f, into: &out) }
        }
        return out
    }

    func finish(time: UInt64) -> [ProtocolRecord] {
        unmatched += pending.count
        pending.removeAll()
        return []
    }

    // MARK: - Requests

    private func request(_ f: Timed<MySQLPacket>, into out: inout [ProtocolRecord]) {
        var p = f.frame
        // A payload of 2^24-1 bytes continues in the next packet.
        if let partial = partialRequest {
            p.payload = partial.payload + p.payload
            p.sequence = partial.seq
            partialRequest = nil
        }
        if f.frame.payload.count == 0xFF_FFFF {
            if p.payload.count <= limits.maxBufferBytes { partialRequest = (p.sequence, p.payload, f.start) }
            return
        }
        guard p.sequence == 0, let cmd = p.payload.first else {
            // Handshake response (sequence 1) or authentication data.
            if p.sequence == 1, capabilities == nil, p.payload.count >= 32 {
                var r = MySQLReader(p.payload)
                capabilities = r.int(4)
            }
            return
        }
        var body = ""
        var statementID: Int?
        switch Int(cmd) {
        case Command.query.rawValue:
            var r = MySQLReader(p.payload, at: 1)
            if (capabilities ?? 0) & Self.clientQueryAttributes != 0 {
                let count = r.lenenc() ?? 0
                _ = r.lenenc()
                if count > 0 { return }  // query attributes with values: not decoded
            }
            body = String(decoding: r.rest(), as: UTF8.self)
        case Command.stmtPrepare.rawValue, Command.initDB.rawValue:
            body = String(decoding: p.payload.dropFirst(), as: UTF8.self)
        case Command.stmtExecute.rawValue, Command.stmtClose.rawValue, Command.stmtReset.rawValue,
             Command.stmtSendLongData.rawValue, Command.stmtFetch.rawValue:
            var r = MySQLReader(p.payload, at: 1)
            statementID = r.int(4)
            body = statementID.flatMap { statements[$0] } ?? ""
        case Command.quit.rawValue:
            return
        default:
            break
        }
        body = body.truncated(toUTF8: limits.textLimit)
        switch Int(cmd) {
        case Command.stmtClose.rawValue:
            if let id = statementID { statements[id] = nil }
            out.append(record(Int(cmd), body, status: 1, "", f.start, f.end))
            return
        case Command.stmtSendLongData.rawValue:
            return
        default:
            break
        }
        commandPhase = true
        pending.append(Pending(command: Int(cmd), body: body, time: f.start, statementID: statementID))
        if pending.count > limits.maxPending {
            pending.removeFirst()
            unmatched += 1
        }
    }

    // MARK: - Responses

    private func response(_ f: Timed<MySQLPacket>, into out: inout [ProtocolRecord]) {
        let payload = f.frame.payload
        guard let first = payload.first, !pending.isEmpty else {
            // The greeting and the authentication exchange answer no command.
            if commandPhase { unmatched += 1 }
            return
        }
        let isEOF = first == 0xFE && payload.count < 9
        switch pending[0].phase {
        case .first:
            switch first {
            case 0x00:
                if pending[0].command == Command.stmtPrepare.rawValue {
                    var r = MySQLReader(payload, at: 1)
                    let id = r.int(4) ?? 0
                    let columns = r.int(2) ?? 0
                    let params = r.int(2) ?? 0
                    if statements.count > 4096 { statements.removeAll() }
                    statements[id] = pending[0].body
                    let eof = deprecateEOF ? 0 : 1
                    let skip = (params > 0 ? params + eof : 0) + (columns > 0 ? columns + eof : 0)
                    out.append(record(pending[0].command, pending[0].body, status: 2, "", pending[0].time, f.end))
                    if skip > 0 { pending[0].phase = .skip(remaining: skip) } else { pending.removeFirst() }
                    return
                }
                finishResultOrOK(payload, f, into: &out, rows: nil)
            case 0xFF:
                let p = pending.removeFirst()
                out.append(record(p.command, p.body, status: 3, Self.errorMessage(payload), p.time, f.end))
            case 0xFE where pending[0].command != Command.query.rawValue && pending[0].command != Command.stmtExecute.rawValue:
                // EOF (COM_SET_OPTION, COM_FIELD_LIST end) or an auth switch (COM_CHANGE_USER).
                let p = pending.removeFirst()
                out.append(record(p.command, p.body, status: 2, "", p.time, f.end))
            case 0xFB:
                let p = pending.removeFirst()
                out.append(record(p.command, p.body, status: 2, "LOCAL INFILE", p.time, f.end))
            default:
                if pending[0].command == Command.fieldList.rawValue {
                    pending[0].phase = .rows
                    return
                }
                var r = MySQLReader(payload)
                guard let n = r.lenenc(), n > 0, n < 1 << 16 else {
                    responses.enterResync()
                    return
                }
                pending[0].phase = .columns(remaining: n)
            }
        case .columns(let remaining):
            pending[0].phase = remaining > 1 ? .columns(remaining: remaining - 1) : (deprecateEOF ? .rows : .columnsEOF)
        case .columnsEOF:
            // Without CLIENT_DEPRECATE_EOF an EOF ends the column definitions.
            pending[0].phase = .rows
            if !isEOF { response(f, into: &out) }
        case .rows:
            if first == 0xFF {
                let p = pending.removeFirst()
                out.append(record(p.command, p.body, status: 3, Self.errorMessage(payload), p.time, f.end))
            } else if isEOF {
                finishResultOrOK(payload, f, into: &out, rows: pending[0].rows)
            } else {
                pending[0].rows += 1
            }
        case .skip(let remaining):
            if remaining > 1 { pending[0].phase = .skip(remaining: remaining - 1) } else { pending.removeFirst() }
        }
    }

    /// An OK or a result set's terminator: the command is done unless more results follow.
    private func finishResultOrOK(_ payload: [UInt8], _ f: Timed<MySQLPacket>, into out: inout [ProtocolRecord], rows: Int?) {
        var r = MySQLReader(payload, at: 1)
        let status: Int?
        if payload.count < 9 && payload.first == 0xFE && !deprecateEOF {
            _ = r.int(2)  // warnings
            status = r.int(2)
        } else {
            _ = r.lenenc()
            _ = r.lenenc()
            status = r.int(2)
        }
        if let status, status & Self.serverMoreResultsExist != 0 {
            pending[0].phase = .first
            return
        }
        let p = pending.removeFirst()
        out.append(record(p.command, p.body, status: 2, rows.map { "Resultset rows = \($0)" } ?? "", p.time, f.end))
    }

    /// The message of an ERR packet (after code, '#' and SQL state).
    static func errorMessage(_ payload: [UInt8]) -> String {
        var at = 3
        if payload.count > 3 && payload[3] == UInt8(ascii: "#") { at = 9 }
        return at < payload.count ? String(decoding: payload[at...], as: UTF8.self) : ""
    }

    private func record(_ cmd: Int, _ body: String, status: Int, _ resp: String, _ start: UInt64, _ end: UInt64) -> ProtocolRecord {
        ProtocolRecord(table: .mysql, requestTime: start, responseTime: end, values: [
            .int(Int64(cmd)), .string(body), .int(Int64(status)), .string(resp.truncated(toUTF8: limits.textLimit)),
        ])
    }
}

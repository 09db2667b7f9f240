import Foundation
import Testing
@testable import SpriteCollector

/// HTTP/2 frame parsing, HPACK decoding and stream stitching on hand-built frames: no root needed.
@Suite struct HTTP2SessionTests {
    // MARK: - Building frames

    static func frame(_ type: UInt8, _ flags: UInt8, _ stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    static let preface = HTTP2Frame.preface
    static let settings = frame(4, 0, 0, [0, 3, 0, 0, 0, 100, 0, 4, 0, 1, 0, 0])   // MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE
    static let settingsAck = frame(4, 1, 0, [])

    /// A literal without indexing with a new name (no Huffman).
    static func literal(_ name: String, _ value: String) -> [UInt8] {
        var out: [UInt8] = [0x00]
        for s in [name, value] {
            HPACKDecoder.appendInteger(s.utf8.count, prefix: 7, first: 0, to: &out)
            out += Array(s.utf8)
        }
        return out
    }

    /// A literal with incremental indexing: the field enters the dynamic table.
    static func indexedLiteral(_ name: String, _ value: String) -> [UInt8] {
        [0x40, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    /// A literal with incremental indexing whose name is static-table entry `index`.
    static func indexedLiteral(nameIndex index: UInt8, _ value: String) -> [UInt8] {
        [0x40 | index, UInt8(value.utf8.count)] + Array(value.utf8)
    }

    static func headers(_ stream: UInt32, _ block: [UInt8], endStream: Bool = false) -> [UInt8] {
        frame(1, 0x4 | (endStream ? 0x1 : 0), stream, block)
    }

    static func data(_ stream: UInt32, _ bytes: [UInt8], endStream: Bool = false) -> [UInt8] {
        frame(0, endStream ? 0x1 : 0, stream, bytes)
    }

    /// A gRPC message: compressed flag, 4-byte length, payload.
    static func grpcMessage(_ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [0, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + payload
    }

    /// Client block of a gRPC call: :method POST (3), :scheme http (6), :path, :authority, content-type, te.
    static func grpcRequestBlock(_ path: String) -> [UInt8] {
        [0x83, 0x86] + indexedLiteral(nameIndex: 4, path) + indexedLiteral(nameIndex: 1, "localhost:50051")
            + indexedLiteral(nameIndex: 31, "application/grpc") + literal("te", "trailers")
    }

    /// Server response headers: :status 200 (8), content-type application/grpc.
    static let grpcResponseBlock: [UInt8] = [0x88] + indexedLiteral(nameIndex: 31, "application/grpc")

    static func grpcTrailers(_ status: Int, _ message: String? = nil) -> [UInt8] {
        literal("grpc-status", String(status)) + (message.map { literal("grpc-message", $0) } ?? [])
    }

    // MARK: - Driving a session

    struct Run {
        let session = HTTP2Session(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 1 << 16, maxPending: 8))
        var records: [ProtocolRecord] = []
        var time: UInt64 = 0

        mutating func send(_ side: MessageSide, _ bytes: [UInt8]) {
            time += 10
            records += session.consume(bytes, side: side, time: time)
        }

        mutating func finish() { records += session.finish(time: time + 1) }
    }

    func string(_ r: ProtocolRecord, _ column: String) -> String { r[column]?.description ?? "<none>" }
    func int(_ r: ProtocolRecord, _ column: String) -> Int64 {
        if case .int(let v)? = r[column] { return v }
        return .min
    }

    /// Parses a headers JSON column.
    func headersJSON(_ r: ProtocolRecord, _ column: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(string(r, column).utf8))) as? [String: String] ?? ["<invalid>": string(r, column)]
    }

    // MARK: - Frames

    @Test func frameParserCutsFramesAndPreface() {
        var p = HTTP2FrameParser()
        let bytes = Self.preface + Self.settings + Self.data(1, Array("hi".utf8), endStream: true)
        bytes.withUnsafeBytes { raw in
            guard case .frame(let f, let n) = p.parse(raw) else { Issue.record("no preface"); return }
            #expect(f.isPreface && n == 24)
            guard case .frame(let s, let m) = p.parse(UnsafeRawBufferPointer(rebasing: raw[24...])) else { Issue.record("no settings"); return }
            #expect(s.kind == .settings && m == 21)
            #expect(s.settings.map { $0.0 } == [3, 4] && s.settings.map { $0.1 } == [100, 65536])
            guard case .frame(let d, let k) = p.parse(UnsafeRawBufferPointer(rebasing: raw[45...])) else { Issue.record("no data"); return }
            #expect(d.kind == .data && d.streamID == 1 && d.has(HTTP2Frame.endStream) && d.payload == Array("hi".utf8) && k == 11)
            // Half a frame: more is needed, and a DATA payload may be filled in if lost.
            if case .needMore(let until) = p.parse(UnsafeRawBufferPointer(rebasing: raw[45..<50])) { #expect(until == nil) }
            else { Issue.record("expected needMore") }
            if case .needMore(let until) = p.parse(UnsafeRawBufferPointer(rebasing: raw[45..<55])) { #expect(until == 11) }
            else { Issue.record("expected needMore") }
            // A preface that goes wrong is not HTTP/2.
            let bad = Array("PRI * HTTP/1.1\r\n".utf8)
            bad.withUnsafeBytes { if case .invalid = p.parse($0) {} else { Issue.record("bad preface accepted") } }
        }
    }

    @Test func paddingAndPriorityAreRemoved() {
        // HEADERS with PADDED (3 bytes of padding) and PRIORITY (5 bytes).
        let block: [UInt8] = [0x82, 0x84]
        let payload: [UInt8] = [3] + [0, 0, 0, 1, 16] + block + [0, 0, 0]
        let f = HTTP2Frame(type: 1, flags: 0x4 | 0x8 | 0x20, streamID: 1, payload: payload)
        #expect(f.content().map { Array(f.payload[$0]) } == block)
        // Padding longer than the payload is a protocol error.
        #expect(HTTP2Frame(type: 0, flags: 0x8, streamID: 1, payload: [9, 1, 2]).content() == nil)
        #expect(HTTP2Frame(type: 0, flags: 0x8, streamID: 1, payload: []).content() == nil)

        var run = Run()
        run.send(.request, Self.preface + Self.settings)
        run.send(.request, Self.frame(1, 0x4 | 0x8 | 0x20 | 0x1, 1, payload))
        run.send(.response, Self.settings + Self.frame(0x1, 0x4 | 0x8, 1, [2, 0x88, 0, 0]) + Self.frame(0, 0x8 | 0x1, 1, [4] + Array("body".utf8) + [0, 0, 0, 0]))
        #expect(run.records.count == 1)
        let r = run.records[0]
        #expect(string(r, "req_method") == "GET" && string(r, "req_path") == "/" && int(r, "resp_status") == 200)
        #expect(string(r, "resp_body") == "body" && int(r, "resp_body_size") == 4)
        #expect(run.session.errors == 0)
    }

    @Test func plausibleFrameStarts() {
        func ok(_ b: [UInt8]) -> Bool { b.withUnsafeBytes { HTTP2FrameParser.isPlausibleFrameStart($0) } }
        #expect(ok(Self.preface))
        #expect(ok(Self.settings) && ok(Self.settingsAck))
        #expect(ok(Self.headers(1, [0x82])) && ok(Self.data(3, [1])))
        #expect(!ok(Self.frame(4, 0, 1, [])))            // SETTINGS on a stream
        #expect(!ok(Self.frame(4, 1, 0, [0, 0, 0, 0, 0, 0])))  // ACK with a payload
        #expect(!ok(Self.frame(0, 0, 0, [1])))           // DATA on stream 0
        #expect(!ok(Self.frame(6, 0, 0, [1, 2, 3])))     // PING of the wrong size
        #expect(!ok(Self.frame(0x20, 0, 1, [])))         // unknown type
        #expect(!ok(Array("GET / HTTP/1.1\r\n".utf8)))
        #expect(!ok([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC]))  // a TLS record
    }

    // MARK: - Streams

    /// A unary gRPC call, a failing one, and a server-streaming one on one connection.
    static func grpcConversation() -> (requests: [UInt8], responses: [UInt8]) {
        var req = preface + settings
        var resp = settings + settingsAck
        req += settingsAck
        // Stream 1: unary OK.
        req += headers(1, grpcRequestBlock("/pkg.Greeter/SayHello")) + data(1, grpcMessage(Array("world".utf8)), endStream: true)
        resp += headers(1, grpcResponseBlock) + data(1, grpcMessage(Array("hello world".utf8)))
            + headers(1, grpcTrailers(0), endStream: true)
        // Stream 3: NOT_FOUND with a message; the request block reuses dynamic-table entries.
        req += headers(3, [0x83, 0x86, 0x40 | 4, 16] + Array("/pkg.Greeter/Get".utf8) + [0xC0, 0xBF])  // authority, content-type from the table
        req += data(3, grpcMessage(Array("missing".utf8)), endStream: true)
        resp += headers(3, [0x88, 0xBE] + grpcTrailers(5, "no such key"), endStream: true)   // trailers-only response
        // Stream 5: server streaming, three messages, headers split over CONTINUATION.
        let block = [0x83, 0x86] + indexedLiteral(nameIndex: 4, "/pkg.Greeter/Stream") + [0xC1, 0xC0]
        req += frame(1, 0, 5, Array(block[..<4])) + frame(9, 0, 5, Array(block[4..<10])) + frame(9, 0x4, 5, Array(block[10...]))
        req += data(5, grpcMessage([1]), endStream: true)
        resp += headers(5, [0x88, 0xBE])
        for i in 0..<3 { resp += data(5, grpcMessage(Array("part \(i)".utf8))) }
        resp += headers(5, grpcTrailers(0), endStream: true)
        return (req, resp)
    }

    @Test func grpcUnaryErrorAndStreaming() throws {
        let (req, resp) = Self.grpcConversation()
        var run = Run()
        run.send(.request, req)
        run.send(.response, resp)
        #expect(run.session.errors == 0 && run.session.unmatched == 0 && run.session.openStreams == 0)
        try #require(run.records.count == 3, "\(run.records)")
        let (ok, notFound, stream) = (run.records[0], run.records[1], run.records[2])
        for r in run.records {
            #expect(int(r, "major_version") == 2 && int(r, "minor_version") == 0)
            #expect(int(r, "content_type") == 2)
            #expect(string(r, "req_method") == "POST" && int(r, "resp_status") == 200)
            #expect(r.table == .http)
        }
        #expect(string(ok, "req_path") == "/pkg.Greeter/SayHello")
        #expect(headersJSON(ok, "req_headers") == [":method": "POST", ":scheme": "http", ":path": "/pkg.Greeter/SayHello",
                                                  ":authority": "localhost:50051", "content-type": "application/grpc", "te": "trailers"])
        #expect(headersJSON(ok, "resp_headers") == [":status": "200", "content-type": "application/grpc", "grpc-status": "0"])
        #expect(int(ok, "req_body_size") == 10 && int(ok, "resp_body_size") == 16)
        #expect(string(ok, "resp_body").hasSuffix("hello world"))

        #expect(string(notFound, "req_path") == "/pkg.Greeter/Get")
        let nf = headersJSON(notFound, "resp_headers")
        #expect(nf["grpc-status"] == "5" && nf["grpc-message"] == "no such key" && nf["content-type"] == "application/grpc")
        #expect(headersJSON(notFound, "req_headers")[":authority"] == "localhost:50051")
        #expect(int(notFound, "resp_body_size") == 0)

        #expect(string(stream, "req_path") == "/pkg.Greeter/Stream")
        #expect(int(stream, "resp_body_size") == 3 * 11)
        #expect(headersJSON(stream, "resp_headers")["grpc-status"] == "0")
        // Latency: request headers' event to the event with the response's END_STREAM.
        #expect(ok.requestTime == 10 && ok.responseTime == 20)
    }

    @Test func everySplitGivesTheSameRows() {
        let (req, resp) = Self.grpcConversation()
        var reference = Run()
        reference.send(.request, req)
        reference.send(.response, resp)
        for split in stride(from: 1, to: resp.count, by: 7) {
            var run = Run()
            run.send(.request, Array(req[..<min(split, req.count)]))
            if split < req.count { run.send(.request, Array(req[split...])) }
            run.send(.response, Array(resp[..<split]))
            run.send(.response, Array(resp[split...]))
            let shown = { (r: [ProtocolRecord]) in r.map { $0.description.replacingOccurrences(of: "\0", with: "\\0") } }
            #expect(shown(run.records) == shown(reference.records), "split \(split)")
        }
    }

    @Test func resetStreamsAndBodiesBeyondTheLimit() throws {
        var run = Run()
        run.send(.request, Self.preface + Self.settings)
        run.send(.response, Self.settings)
        // A POST whose body is larger than the 64-byte limit, answered with JSON.
        let body = Array(repeating: UInt8(ascii: "x"), count: 100)
        run.send(.request, Self.headers(1, [0x83, 0x84] + Self.literal("content-type", "application/json")) + Self.data(1, body, endStream: true))
        run.send(.response, Self.headers(1, [0x89] + Self.literal("content-type", "application/json")) + Self.data(1, Array("{}".utf8), endStream: true))
        // A stream the client cancels before any response.
        run.send(.request, Self.headers(3, [0x82, 0x84]))
        run.send(.request, Self.frame(3, 0, 3, [0, 0, 0, 8]))
        try #require(run.records.count == 2, "\(run.records)")
        let post = run.records[0]
        #expect(int(post, "resp_status") == 204 && int(post, "content_type") == 1)
        #expect(int(post, "req_body_size") == 100 && string(post, "req_body").utf8.count == 64)
        let reset = run.records[1]
        #expect(string(reset, "resp_message") == "RST_STREAM CANCEL" && int(reset, "resp_status") == 0)
        #expect(string(reset, "req_method") == "GET")
    }

    @Test func openStreamsAreBounded() {
        var run = Run()
        run.send(.request, Self.preface + Self.settings)
        for i in 0..<20 { run.send(.request, Self.headers(UInt32(2 * i + 1), [0x82, 0x84], endStream: true)) }
        #expect(run.session.openStreams == 8)
        #expect(run.session.unmatched == 12)
        run.finish()
        #expect(run.records.isEmpty && run.session.unmatched == 20)
    }

    @Test func heldBytesAreBounded() {
        let session = HTTP2Session(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 256))
        _ = session.consume(Self.preface + Self.settings, side: .request, time: 1)
        let big = String(repeating: "v", count: 300)
        for i in 0..<40 {
            _ = session.consume(Self.headers(UInt32(2 * i + 1), [0x83, 0x84] + Self.literal("x-big", big)), side: .request, time: UInt64(2 + i))
            #expect(session.heldBytes <= 4096)
        }
        #expect(session.heldBytes > 3000 && session.openStreams < 40)
        #expect(session.unmatched == 40 - session.openStreams)
        // The newest streams are the ones kept, and they still complete.
        let r = session.consume(Self.settings + Self.headers(79, [0x88], endStream: true), side: .response, time: 100)
        #expect(r.isEmpty)   // the request has not ended yet
        let done = session.consume(Self.data(79, [], endStream: true), side: .request, time: 101)
        #expect(done.count == 1 && done.first?["req_path"]?.description == "/")
    }

    // MARK: - HPACK

    /// RFC 7541 C.4: requests with Huffman-coded literals and dynamic-table references.
    static let rfcBlock1: [UInt8] = [0x82, 0x86, 0x84, 0x41, 0x8C, 0xF1, 0xE3, 0xC2, 0xE5, 0xF2, 0x3A, 0x6B, 0xA0, 0xAB, 0x90, 0xF4, 0xFF]
    static let rfcBlock2: [UInt8] = [0x82, 0x86, 0x84, 0xBE, 0x58, 0x86, 0xA8, 0xEB, 0x10, 0x64, 0x9C, 0xBF]

    @Test func hpackFollowsTheDynamicTable() throws {
        let d = HPACKDecoder(tracksDynamicTable: true)
        let b1 = try #require(d.decode(Self.rfcBlock1))
        #expect(b1.fields.map { "\($0.name): \($0.value)" } == [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"])
        let b2 = try #require(d.decode(Self.rfcBlock2))
        #expect(b2.fields.map { "\($0.name): \($0.value)" } == [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"])
        #expect(b2.missing == 0)
        // Garbage: an index past both tables.
        #expect(d.decode([0xFF, 0x7F]) == nil)
        #expect(!d.tracksDynamicTable)
    }

    @Test func hpackWithoutTheDynamicTableNeverGuesses() throws {
        // The second block alone, as seen on a connection traced from the middle: :authority is
        // a dynamic-table reference, so it is left out and counted; the rest is exact (Huffman included).
        let d = HPACKDecoder(tracksDynamicTable: false)
        let b2 = try #require(d.decode(Self.rfcBlock2))
        #expect(b2.fields.map { "\($0.name): \($0.value)" } == [":method: GET", ":scheme: http", ":path: /", "cache-control: no-cache"])
        #expect(b2.missing == 1)
        // Literals it decodes are not inserted anywhere: a later reference to index 62 stays unknown.
        let b3 = try #require(d.decode([0x82, 0xBE]))
        #expect(b3.fields.map(\.name) == [":method"] && b3.missing == 1)
        // A literal whose name is a dynamic-table entry is dropped too.
        let b4 = try #require(d.decode([0x7E, 0x03] + Array("abc".utf8)))
        #expect(b4.fields.isEmpty && b4.missing == 1)
        #expect(d.decode([0x41, 0x85, 0xFF]) == nil)   // string longer than the block
    }

    @Test func midStreamConnectionMarksIncompleteHeaders() throws {
        // The tracer starts after the first request: the client's next request reuses table
        // entries. No preface, no server SETTINGS first.
        let (req, resp) = Self.grpcConversation()
        var cutReq = req, cutResp = resp
        // Drop everything up to the second request's HEADERS (stream 3) on both sides.
        let reqStart = Self.preface.count + Self.settings.count + Self.settingsAck.count
            + Self.headers(1, Self.grpcRequestBlock("/pkg.Greeter/SayHello")).count + Self.data(1, Self.grpcMessage(Array("world".utf8))).count
        cutReq.removeFirst(reqStart)
        let respStart = Self.settings.count + Self.settingsAck.count + Self.headers(1, Self.grpcResponseBlock).count
            + Self.data(1, Self.grpcMessage(Array("hello world".utf8))).count + Self.headers(1, Self.grpcTrailers(0)).count
        cutResp.removeFirst(respStart)
        var run = Run()
        // The response side starts in the middle of a frame: it waits for a frame start.
        run.send(.response, Array("the tail of a message".utf8))
        run.send(.request, cutReq)
        run.send(.response, cutResp)
        try #require(run.records.count == 2, "\(run.records)")
        let nf = run.records[0]
        #expect(string(nf, "req_path") == "/pkg.Greeter/Get")
        let reqHeaders = headersJSON(nf, "req_headers")
        #expect(reqHeaders[":incomplete"] == "2")   // :authority and content-type were table references
        #expect(reqHeaders[":authority"] == nil && reqHeaders["content-type"] == nil)
        let respHeaders = headersJSON(nf, "resp_headers")
        #expect(respHeaders["grpc-status"] == "5" && respHeaders[":status"] == "200" && respHeaders[":incomplete"] == "1")
        #expect(int(nf, "content_type") == 0)   // content-type was not decodable
        let st = run.records[1]
        #expect(string(st, "req_path") == "/pkg.Greeter/Stream")
        #expect(string(st, "req_method") == "POST")
    }

    @Test func rolesFollowTheHeaders() throws {
        // A connection whose trace role is unknown: the server's bytes arrive as "requests".
        let (req, resp) = Self.grpcConversation()
        var run = Run()
        run.send(.response, req)
        run.send(.request, resp)
        #expect(run.records.count == 3)
        #expect(run.records.map { string($0, "req_path") } == ["/pkg.Greeter/SayHello", "/pkg.Greeter/Get", "/pkg.Greeter/Stream"])
    }

    @Test func malformedFramesAreCounted() {
        var run = Run()
        run.send(.request, Self.preface + Self.settings)
        // CONTINUATION without HEADERS, then a HEADERS block that is not HPACK.
        run.send(.request, Self.frame(9, 0x4, 1, [0x82]))
        run.send(.request, Self.headers(3, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]))
        #expect(run.session.errors == 2)
        // An absurd length: the side resynchronises on the next frame start.
        run.send(.request, [0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 1])
        run.send(.request, Self.headers(5, [0x82, 0x84], endStream: true))
        run.send(.response, Self.settings + Self.headers(5, [0x88], endStream: true))
        #expect(run.records.count == 1 && run.session.errors == 3)
    }

    // MARK: - Fuzzing

    static var corpus: [ProtocolFuzzer.Conversation] {
        let (req, resp) = grpcConversation()
        return [
            .init(requests: req, responses: resp),
            .init(requests: preface + settings + headers(1, [0x82, 0x84] + literal("a", "b"), endStream: true)
                    + headers(3, [0x83, 0x84] + rfcBlock1.suffix(14)) + data(3, Array("body".utf8), endStream: true)
                    + frame(3, 0, 5, [0, 0, 0, 8]),
                  responses: settings + frame(1, 0x4 | 0x8 | 0x20, 1, [2, 0, 0, 0, 0, 1, 0x88, 0, 0]) + frame(0, 0x9, 1, [1, 65, 0])
                    + frame(5, 0x4, 1, [0, 0, 0, 2, 0x82, 0x84]) + headers(2, [0x88], endStream: true)
                    + headers(3, [0x8D]) + data(3, [1, 2, 3], endStream: true) + frame(7, 0, 0, [0, 0, 0, 3, 0, 0, 0, 0])),
        ]
    }

    @Test func fuzz() {
        var f = ProtocolFuzzer()
        let (inputs, _) = f.run(corpus: Self.corpus) {
            HTTP2Session(limits: ProtocolLimits(textLimit: 64, maxBufferBytes: 4096, maxPending: 8))
        }
        #expect(inputs == ProtocolFuzzer.iterations)
    }
}

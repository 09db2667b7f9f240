/// One HTTP/2 stream being followed: the request the client sent on it and the server's
/// response (headers, trailers, body), until both ends close it or it is reset.
struct HTTP2Stream: Sendable {
    /// One endpoint's half of the stream.
    struct Half: Sendable {
        var headers: [HeaderField] = []
        /// Header fields that could not be decoded (dynamic-table entries never seen).
        var missing = 0
        var hasHeaders = false
        var body: [UInt8] = []
        var bodySize = 0
        var ended = false
        /// Bytes held for this half (header text with HPACK's 32-byte entry overhead, body kept).
        private(set) var held = 0

        mutating func add(_ block: HeaderBlock) {
            headers += block.fields
            missing += block.missing
            hasHeaders = true
            for f in block.fields { held += f.name.utf8.count + f.value.utf8.count + 32 }
        }

        mutating func addData(_ bytes: ArraySlice<UInt8>, limit: Int) {
            bodySize += bytes.count
            let room = limit - body.count
            if room > 0 {
                body += bytes.prefix(room)
                held += min(room, bytes.count)
            }
        }

        func value(_ name: String) -> String? { headers.first { $0.name == name }?.value }

        /// The headers as a JSON object, like HTTP/1.x rows: names in first-seen order, values
        /// of repeated names joined with ","; `":incomplete"` holds the number of fields left out.
        var json: String {
            var out: [UInt8] = [123]
            var seen: Set<String> = []
            for (i, h) in headers.enumerated() where !seen.contains(h.name) {
                seen.insert(h.name)
                if out.count > 1 { out.append(44) }
                append(h.name, &out, open: true, close: true)
                out.append(58)
                append(h.value, &out, open: true, close: false)
                for other in headers[(i + 1)...] where other.name == h.name {
                    out.append(44)
                    append(other.value, &out, open: false, close: false)
                }
                out.append(34)
            }
            if missing > 0 {
                if out.count > 1 { out.append(44) }
                out += Array(#"":incomplete":""#.utf8) + Array(String(missing).utf8) + [34]
            }
            out.append(125)
            return String(decoding: out, as: UTF8.self)
        }

        private func append(_ s: String, _ out: inout [UInt8], open: Bool, close: Bool) {
            var copy = s
            copy.withUTF8 { JSONText.appendQuoted($0, to: &out, open: open, close: close) }
        }

        /// The body as text: gzip/deflate inflated when it was captured whole.
        func bodyText(limit: Int) -> String {
            var b = body
            if let enc = value("content-encoding"), enc == "gzip" || enc == "deflate", b.count == bodySize,
               let inflated = Gzip.inflate(b, limit: limit) {
                b = inflated
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    let id: UInt32
    var request = Half()
    var response = Half()
    /// Monotonic ns of the event that carried the start of the request's headers.
    var start: UInt64
    /// Monotonic ns of the event that completed the response (or reset the stream).
    var end: UInt64 = 0
    /// The RST_STREAM error code, when the stream was reset.
    var resetCode: UInt32?

    init(id: UInt32, start: UInt64) {
        self.id = id
        self.start = start
    }

    var isComplete: Bool { request.ended && response.ended }

    /// Bytes held for the stream.
    var held: Int { request.held + response.held }

    /// Pixie's content type: 2 for gRPC, 1 for JSON, 0 otherwise.
    var contentType: Int64 {
        let ct = (response.value("content-type") ?? request.value("content-type") ?? "").lowercased()
        return ct.hasPrefix("application/grpc") ? 2 : ct.contains("json") ? 1 : 0
    }

    /// The stream as an `http_events` record (`major_version` 2).
    func record(limit: Int) -> ProtocolRecord {
        let status = response.value(":status").flatMap { Int64($0) } ?? 0
        let message = resetCode.map { "RST_STREAM " + HTTP2Frame.errorName($0) } ?? ""
        return ProtocolRecord(table: .http, requestTime: start, responseTime: max(end, start), values: [
            .int(2), .int(0), .int(contentType),
            .string(request.json), .string(request.value(":method") ?? ""), .string(request.value(":path") ?? ""),
            .string(request.bodyText(limit: limit)), .int(Int64(request.bodySize)),
            .string(response.json), .int(status), .string(message),
            .string(response.bodyText(limit: limit)), .int(Int64(response.bodySize)),
        ])
    }
}

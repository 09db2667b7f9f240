/// One parsed HTTP/1.x request or response.
struct HTTPMessage: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case request, response }

    var kind: Kind
    /// Request method (requests only).
    var method = ""
    /// Request target: path and query (requests only).
    var target = ""
    /// Status code (responses only).
    var status = 0
    /// Reason phrase (responses only).
    var reason = ""
    var major = 1
    var minor = 1
    /// Header fields in wire order, names as sent.
    var headers: [(name: String, value: String)] = []
    /// Body bytes as captured (chunked framing removed), at most the body limit.
    var body: [UInt8] = []
    /// Body size before truncation (bytes lost to gaps included).
    var bodySize = 0
    /// Whether bytes of the body were not seen (capture limit, lost events) or cut at the limit.
    var bodyTruncated = false
    /// Monotonic ns of the event that carried the first byte of the message.
    var startTime: UInt64 = 0
    /// Monotonic ns of the event that carried the last byte of the message.
    var endTime: UInt64 = 0

    init(kind: Kind) { self.kind = kind }

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    static func == (a: HTTPMessage, b: HTTPMessage) -> Bool {
        a.kind == b.kind && a.method == b.method && a.target == b.target && a.status == b.status
            && a.reason == b.reason && a.major == b.major && a.minor == b.minor
            && a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" }
            && a.body == b.body && a.bodySize == b.bodySize && a.bodyTruncated == b.bodyTruncated
            && a.startTime == b.startTime && a.endTime == b.endTime
    }

    /// Headers as a JSON object; repeated names are joined with ",".
    var headersJSON: String {
        var order: [String] = []
        var values: [String: String] = [:]
        for (name, value) in headers {
            if let old = values[name] { values[name] = old + "," + value } else { order.append(name); values[name] = value }
        }
        var out = "{"
        for (i, name) in order.enumerated() {
            if i > 0 { out += "," }
            out += JSONText.quoted(name) + ":" + JSONText.quoted(values[name]!)
        }
        return out + "}"
    }
}

/// Minimal JSON string quoting.
enum JSONText {
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

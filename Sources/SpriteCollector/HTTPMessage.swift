/// One parsed HTTP/1.x request or response.
///
/// The head (start line and header lines) is kept as the bytes that arrived, with the positions
/// of its parts: parsing a message allocates the head copy and the field table, nothing per
/// header, and rows are written from the bytes directly (see ``writeHeadersJSON(into:)``).
struct HTTPMessage: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case request, response }

    /// Positions of one header field's name and value (trimmed) inside ``head``.
    struct Field: Sendable, Equatable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    var kind: Kind
    /// The head as received: start line and header lines joined by CRLF, without the blank line.
    private(set) var head: [UInt8] = []
    private(set) var fields: [Field] = []
    /// Method (requests), or reason phrase (responses), inside ``head``.
    private(set) var word: Range<Int> = 0..<0
    /// Request target inside ``head`` (requests only).
    private(set) var targetRange: Range<Int> = 0..<0
    /// Status code (responses only).
    var status = 0
    var major = 1
    var minor = 1
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

    /// A message over `head`, whose parts the parser located.
    init(kind: Kind, head: [UInt8], fields: [Field], word: Range<Int>, target: Range<Int>) {
        self.kind = kind
        self.head = head
        self.fields = fields
        self.word = word
        self.targetRange = target
    }

    /// Request method (requests only).
    var method: String { kind == .request ? text(word) : "" }
    /// Request target: path and query (requests only).
    var target: String { text(targetRange) }
    /// Status reason phrase (responses only).
    var reason: String { kind == .response ? text(word) : "" }
    /// Whether this request's method is HEAD (its response has no body).
    var isHEAD: Bool {
        kind == .request && word.count == 4 && head[word.lowerBound] == 72 && head[word.lowerBound + 1] == 69
            && head[word.lowerBound + 2] == 65 && head[word.lowerBound + 3] == 68
    }

    private func text(_ r: Range<Int>) -> String {
        head.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// Header fields in wire order, names as sent. Setting replaces the head's header lines
    /// (tests and hand-built messages).
    var headers: [(name: String, value: String)] {
        get {
            fields.map { (text(Int($0.nameStart)..<Int($0.nameEnd)), text(Int($0.valueStart)..<Int($0.valueEnd))) }
        }
        set {
            var h: [UInt8] = []
            var f: [Field] = []
            for (name, value) in newValue {
                if !h.isEmpty { h += [13, 10] }
                let ns = h.count
                h += Array(name.utf8)
                let ne = h.count
                h += [58, 32]
                let vs = h.count
                h += Array(value.utf8)
                f.append(Field(nameStart: Int32(ns), nameEnd: Int32(ne), valueStart: Int32(vs), valueEnd: Int32(h.count)))
            }
            head = h
            fields = f
            word = 0..<0
            targetRange = 0..<0
        }
    }

    /// Index in ``fields`` of the first header named `lowercaseName` (ASCII, case-insensitive).
    func fieldIndex(_ lowercaseName: StaticString) -> Int? {
        head.withUnsafeBufferPointer { h in
            lowercaseName.withUTF8Buffer { n in
                for (i, f) in fields.enumerated() where Int(f.nameEnd - f.nameStart) == n.count {
                    var equal = true
                    var j = Int(f.nameStart)
                    for c in n {
                        if h[j] | 0x20 != c { equal = false; break }
                        j += 1
                    }
                    if equal { return i }
                }
                return nil
            }
        }
    }

    /// The first value of header `lowercaseName` (case-insensitive).
    func header(_ lowercaseName: StaticString) -> String? {
        fieldIndex(lowercaseName).map { text(Int(fields[$0].valueStart)..<Int(fields[$0].valueEnd)) }
    }

    /// Whether the first value of header `lowercaseName` contains `lowercaseToken`, ignoring ASCII case.
    func header(_ lowercaseName: StaticString, contains lowercaseToken: StaticString) -> Bool {
        guard let i = fieldIndex(lowercaseName) else { return false }
        let f = fields[i]
        return head.withUnsafeBufferPointer { h in
            lowercaseToken.withUTF8Buffer { t in
                let start = Int(f.valueStart), end = Int(f.valueEnd)
                guard t.count > 0, end - start >= t.count else { return t.count == 0 }
                for s in start...(end - t.count) {
                    var k = 0
                    while k < t.count && h[s + k] | 0x20 == t[k] { k += 1 }
                    if k == t.count { return true }
                }
                return false
            }
        }
    }

    /// Whether the first value of header `lowercaseName` equals `lowercaseValue`, ignoring ASCII case.
    func header(_ lowercaseName: StaticString, equals lowercaseValue: StaticString) -> Bool {
        guard let i = fieldIndex(lowercaseName) else { return false }
        let f = fields[i]
        guard Int(f.valueEnd - f.valueStart) == lowercaseValue.utf8CodeUnitCount else { return false }
        return header(lowercaseName, contains: lowercaseValue)
    }

    /// Calls `body` with the bytes of `range` of the head.
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        head.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
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
        var out: [UInt8] = []
        writeHeadersJSON(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the headers as a JSON object to `out`: names in first-seen order, values of
    /// repeated names (exact byte match) joined with ",", strings escaped per RFC 8259.
    func writeHeadersJSON(into out: inout [UInt8]) {
        head.withUnsafeBufferPointer { h in
            out.append(123)  // {
            var first = true
            for i in fields.indices {
                let f = fields[i]
                let name = UnsafeBufferPointer(rebasing: h[Int(f.nameStart)..<Int(f.nameEnd)])
                var seen = false
                for j in 0..<i where Self.sameName(fields[j], f, h) { seen = true; break }
                if seen { continue }
                if !first { out.append(44) }
                first = false
                JSONText.appendQuoted(name, to: &out, open: true, close: true)
                out.append(58)  // :
                out.append(34)
                JSONText.appendQuoted(UnsafeBufferPointer(rebasing: h[Int(f.valueStart)..<Int(f.valueEnd)]), to: &out, open: false, close: false)
                for j in (i + 1)..<fields.count where Self.sameName(fields[j], f, h) {
                    out.append(44)
                    let g = fields[j]
                    JSONText.appendQuoted(UnsafeBufferPointer(rebasing: h[Int(g.valueStart)..<Int(g.valueEnd)]), to: &out, open: false, close: false)
                }
                out.append(34)
            }
            out.append(125)  // }
        }
    }

    private static func sameName(_ a: Field, _ b: Field, _ h: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = Int(a.nameEnd - a.nameStart)
        guard n == Int(b.nameEnd - b.nameStart) else { return false }
        var i = 0
        while i < n && h[Int(a.nameStart) + i] == h[Int(b.nameStart) + i] { i += 1 }
        return i == n
    }
}

/// Minimal JSON string quoting.
enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        var copy = s
        copy.withUTF8 { appendQuoted($0, to: &out, open: true, close: true) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` as JSON string content to `out` (with the quotes when asked). Bytes that
    /// are not valid UTF-8 become U+FFFD, so the output is always valid JSON text.
    static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], open: Bool, close: Bool) {
        if open { out.append(34) }
        var plain = true
        for b in bytes where b >= 0x80 || b < 0x20 || b == 34 || b == 92 { plain = false; break }
        if plain {
            out.append(contentsOf: bytes)
        } else if !bytes.contains(where: { $0 >= 0x80 }) {
            for b in bytes { appendEscaped(b, to: &out) }
        } else {
            for u in String(decoding: bytes, as: UTF8.self).utf8 { appendEscaped(u, to: &out) }
        }
        if close { out.append(34) }
    }

    @inline(__always)
    private static func appendEscaped(_ b: UInt8, to out: inout [UInt8]) {
        switch b {
        case 34: out.append(92); out.append(34)
        case 92: out.append(92); out.append(92)
        case 10: out.append(92); out.append(110)
        case 13: out.append(92); out.append(114)
        case 9: out.append(92); out.append(116)
        case 0..<0x20:
            out.append(contentsOf: [92, 117, 48, 48])
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        default: out.append(b)
        }
    }
}

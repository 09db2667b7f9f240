/// Parses RESP2/RESP3 values (and inline commands on the request side) from a byte buffer.
struct RESPParser: FrameParser {
    /// Whether the bytes are client commands (inline commands allowed) or server replies.
    let side: MessageSide
    /// Nesting deeper than this is treated as corrupt.
    static let maxDepth = 64
    /// Aggregates announcing more elements than this are treated as corrupt.
    static let maxElements = 1 << 20

    private enum Step {
        case value(RESPValue, next: Int)
        case needMore(payloadUntil: Int?)
        case invalid
    }

    mutating func parse(_ bytes: UnsafeRawBufferPointer) -> FrameParse<RESPValue> {
        guard let first = bytes.first else { return .needMore(payloadUntil: nil) }
        if side == .request && !Self.isTypeByte(first) { return parseInline(bytes) }
        switch Self.value(bytes, at: 0, depth: 0) {
        case .value(let v, let next): return .frame(v, consumed: next)
        case .needMore(let until): return .needMore(payloadUntil: until)
        case .invalid: return .invalid
        }
    }

    func canResume(at bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first else { return false }
        if side == .request { return first == UInt8(ascii: "*") }
        return Self.isTypeByte(first)
    }

    static func isTypeByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"),
             UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "#"), UInt8(ascii: "!"), UInt8(ascii: "="),
             UInt8(ascii: "("), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: "|"), UInt8(ascii: ">"):
            true
        default:
            false
        }
    }

    /// An inline command: one line of space-separated words (printable text only).
    private func parseInline(_ b: UnsafeRawBufferPointer) -> FrameParse<RESPValue> {
        var i = 0
        while i < b.count, b[i] != 10 {
            let c = b[i]
            if c != 13 && c != 9 && (c < 32 || c > 126) { return .invalid }
            i += 1
            if i > 64 << 10 { return .invalid }
        }
        guard i < b.count else { return .needMore(payloadUntil: nil) }
        var end = i
        if end > 0 && b[end - 1] == 13 { end -= 1 }
        let words = UnsafeRawBufferPointer(rebasing: b[0..<end]).split(whereSeparator: { $0 == 32 || $0 == 9 })
        guard !words.isEmpty else { return .invalid }
        return .frame(.array(words.map { .bulk(Array($0)) }), consumed: i + 1)
    }

    /// The CRLF-terminated line starting at `at`: its end (index of CR) or nil when incomplete.
    private static func lineEnd(_ b: UnsafeRawBufferPointer, from at: Int) -> Int?? {
        var i = at
        while i + 1 < b.count {
            if b[i] == 13 {
                return b[i + 1] == 10 ? .some(i) : .some(nil)
            }
            if b[i] == 10 { return .some(nil) }
            i += 1
            if i - at > 64 << 10 { return .some(nil) }
        }
        return nil
    }

    private static func integer(_ b: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Int64? {
        guard to > from, to - from <= 20 else { return nil }
        var i = from
        var negative = false
        if b[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < to else { return nil }
        var v: Int64 = 0
        while i < to {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return negative ? -v : v
    }

    private static func value(_ b: UnsafeRawBufferPointer, at: Int, depth: Int) -> Step {
        guard depth <= maxDepth else { return .invalid }
        guard at < b.count else { return .needMore(payloadUntil: nil) }
        let type = b[at]
        guard isTypeByte(type) else { return .invalid }
        guard let found = lineEnd(b, from: at + 1) else { return .needMore(payloadUntil: nil) }
        guard let eol = found else { return .invalid }
        let next = eol + 2
        let line = { String(decoding: UnsafeRawBufferPointer(rebasing: b[(at + 1)..<eol]), as: UTF8.self) }
        switch type {
        case UInt8(ascii: "+"): return .value(.simple(line()), next: next)
        case UInt8(ascii: "-"): return .value(.error(line()), next: next)
        case UInt8(ascii: ":"):
            guard let i = integer(b, at + 1, eol) else { return .invalid }
            return .value(.integer(i), next: next)
        case UInt8(ascii: "_"):
            return eol == at + 1 ? .value(.null, next: next) : .invalid
        case UInt8(ascii: ","), UInt8(ascii: "("):
            return .value(.scalar(line()), next: next)
        case UInt8(ascii: "#"):
            let t = line()
            guard t == "t" || t == "f" else { return .invalid }
            return .value(.scalar(t == "t" ? "true" : "false"), next: next)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            guard let n = integer(b, at + 1, eol), n >= -1, n < 512 << 20 else { return .invalid }
            if n == -1 {
                return type == UInt8(ascii: "$") ? .value(.null, next: next) : .invalid
            }
            let end = next + Int(n)
            guard end + 2 <= b.count else {
                // The payload is opaque: bytes lost there can be replaced.
                return .needMore(payloadUntil: end <= b.count ? nil : end)
            }
            guard b[end] == 13 && b[end + 1] == 10 else { return .invalid }
            var payload = Array(UnsafeRawBufferPointer(rebasing: b[next..<end]))
            switch type {
            case UInt8(ascii: "!"): return .value(.error(String(decoding: payload, as: UTF8.self)), next: end + 2)
            case UInt8(ascii: "="):
                if payload.count >= 4 && payload[3] == UInt8(ascii: ":") { payload.removeFirst(4) }
                return .value(.bulk(payload), next: end + 2)
            default: return .value(.bulk(payload), next: end + 2)
            }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let n = integer(b, at + 1, eol), n >= -1, n <= maxElements else { return .invalid }
            if n == -1 {
                return type == UInt8(ascii: "*") ? .value(.nullArray, next: next) : .invalid
            }
            let count = (type == UInt8(ascii: "%") || type == UInt8(ascii: "|")) ? Int(n) * 2 : Int(n)
            var items: [RESPValue] = []
            items.reserveCapacity(min(count, 1024))
            var pos = next
            for _ in 0..<count {
                switch value(b, at: pos, depth: depth + 1) {
                case .value(let v, let after):
                    items.append(v)
                    pos = after
                case .needMore(let until): return .needMore(payloadUntil: until)
                case .invalid: return .invalid
                }
            }
            switch type {
            case UInt8(ascii: ">"): return .value(.push(items), next: pos)
            case UInt8(ascii: "%"): return .value(.map(items), next: pos)
            case UInt8(ascii: "|"):
                // An attribute annotates the value that follows it; Sprite keeps the value.
                return value(b, at: pos, depth: depth + 1)
            default: return .value(.array(items), next: pos)
            }
        default:
            return .invalid
        }
    }
}

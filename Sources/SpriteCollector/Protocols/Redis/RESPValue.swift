/// A RESP2 or RESP3 value (https://redis.io/docs/latest/develop/reference/protocol-spec/).
indirect enum RESPValue: Sendable, Equatable {
    /// `+` simple string.
    case simple(String)
    /// `-` simple error or `!` blob error.
    case error(String)
    /// `:` integer.
    case integer(Int64)
    /// `$` bulk string or `=` verbatim string (without its `txt:` prefix).
    case bulk([UInt8])
    /// `$-1`, `_` (RESP3 null).
    case null
    /// `*-1`.
    case nullArray
    /// `*` array or `~` set.
    case array([RESPValue])
    /// `%` map: keys and values alternate.
    case map([RESPValue])
    /// `>` push (RESP3 out-of-band data such as pub/sub messages).
    case push([RESPValue])
    /// `,` double, `(` big number, `#` boolean, as their text.
    case scalar(String)

    /// The value as text, for bulk and simple strings.
    var text: String? {
        switch self {
        case .simple(let s): s
        case .bulk(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    /// Elements of an array or push.
    var elements: [RESPValue]? {
        switch self {
        case .array(let e), .push(let e): e
        default: nil
        }
    }

    /// Pixie's rendering: strings as they are, errors as their message, integers in decimal,
    /// `<NULL>`, `[NULL]`, and aggregates as JSON arrays (maps as objects) of rendered elements.
    func rendered(limit: Int) -> String {
        var out = ""
        render(into: &out, nested: false, limit: limit)
        return out.truncated(toUTF8: limit)
    }

    private func render(into out: inout String, nested: Bool, limit: Int) {
        if out.utf8.count > limit { return }
        func leaf(_ s: String) { out += nested ? JSONText.quoted(s) : s }
        switch self {
        case .simple(let s), .error(let s), .scalar(let s): leaf(s)
        case .integer(let i): leaf(String(i))
        case .bulk(let b): leaf(String(decoding: b.prefix(limit), as: UTF8.self))
        case .null: leaf("<NULL>")
        case .nullArray: out += nested ? "\"[NULL]\"" : "[NULL]"
        case .array(let e), .push(let e):
            out += "["
            for (i, v) in e.enumerated() {
                if i > 0 { out += "," }
                v.render(into: &out, nested: true, limit: limit)
                if out.utf8.count > limit { break }
            }
            out += "]"
        case .map(let e):
            out += "{"
            var i = 0
            while i + 1 < e.count {
                if i > 0 { out += "," }
                var key = ""
                e[i].render(into: &key, nested: false, limit: limit)
                out += JSONText.quoted(key) + ":"
                e[i + 1].render(into: &out, nested: true, limit: limit)
                if out.utf8.count > limit { break }
                i += 2
            }
            out += "}"
        }
    }
}

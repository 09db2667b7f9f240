extension Lexer {
    /// Lexes a string literal whose opening quote is the current scalar. `prefix` is the
    /// lowercased prefix already consumed (`""`, `"r"`, `"u"`, or a rejected `b`/`f` form).
    mutating func lexString(prefix: String, at start: SourceLocation) throws(PxLError) -> String {
        if prefix.contains("b") {
            throw error("PxL does not support bytes literals", at: start, code: .unsupported)
        }
        if prefix.contains("f") {
            throw error(
                "PxL does not support f-strings; build strings with '+' instead",
                at: start, code: .unsupported)
        }
        let raw = prefix.contains("r")
        guard let quote = peek() else { return "" }
        let triple = peek(1) == quote && peek(2) == quote
        for _ in 0..<(triple ? 3 : 1) {
            advance()
        }
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw error(
                    triple ? "unterminated triple-quoted string literal" : "unterminated string literal",
                    at: start)
            }
            if scalar == quote {
                if !triple {
                    advance()
                    return String(value)
                }
                if peek(1) == quote && peek(2) == quote {
                    advance()
                    advance()
                    advance()
                    return String(value)
                }
                value.append(scalar)
                advance()
            } else if isLineBreak(scalar) {
                guard triple else { throw error("unterminated string literal", at: start) }
                consumeLineBreak()
                value.append("\n")
            } else if scalar == "\\" {
                if raw {
                    value.append(scalar)
                    advance()
                    if let escaped = peek(), escaped == quote || escaped == "\\" {
                        value.append(escaped)
                        advance()
                    }
                } else {
                    try lexEscape(into: &value)
                }
            } else {
                value.append(scalar)
                advance()
            }
        }
    }

    /// Decodes the escape sequence starting at the current backslash.
    mutating func lexEscape(into value: inout String.UnicodeScalarView) throws(PxLError) {
        let start = location
        advance()
        guard let escaped = peek() else { return }
        if isLineBreak(escaped) {
            consumeLineBreak()
            return
        }
        advance()
        switch escaped {
        case "\\", "'", "\"": value.append(escaped)
        case "a": value.append("\u{07}")
        case "b": value.append("\u{08}")
        case "f": value.append("\u{0C}")
        case "n": value.append("\n")
        case "r": value.append("\r")
        case "t": value.append("\t")
        case "v": value.append("\u{0B}")
        case "0"..."7":
            var code = escaped.value - 48
            for _ in 0..<2 {
                guard let digit = peek(), ("0"..."7").contains(digit) else { break }
                code = code * 8 + digit.value - 48
                advance()
            }
            try appendScalar(code, to: &value, escapeStart: start)
        case "x": try appendHexEscape(digits: 2, escape: "\\x", to: &value, escapeStart: start)
        case "u": try appendHexEscape(digits: 4, escape: "\\u", to: &value, escapeStart: start)
        case "U": try appendHexEscape(digits: 8, escape: "\\U", to: &value, escapeStart: start)
        case "N":
            throw error("PxL does not support '\\N{...}' escapes", at: start, code: .unsupported)
        default:
            // Like Python, an unknown escape keeps the backslash.
            value.append("\\")
            value.append(escaped)
        }
    }

    mutating func appendHexEscape(
        digits count: Int,
        escape: String,
        to value: inout String.UnicodeScalarView,
        escapeStart: SourceLocation
    ) throws(PxLError) {
        var code: UInt32 = 0
        for _ in 0..<count {
            guard let digit = peek(), let digitValue = Self.digitValue(digit, radix: 16) else {
                throw error(
                    "invalid '\(escape)' escape: expected \(count) hexadecimal digits", at: escapeStart)
            }
            code = code &* 16 &+ UInt32(digitValue)
            advance()
        }
        try appendScalar(code, to: &value, escapeStart: escapeStart)
    }

    func appendScalar(
        _ code: UInt32, to value: inout String.UnicodeScalarView, escapeStart: SourceLocation
    ) throws(PxLError) {
        guard let scalar = Unicode.Scalar(code) else {
            throw error(
                "invalid escape: \(String(code, radix: 16, uppercase: true)) is not a Unicode scalar value",
                at: escapeStart)
        }
        value.append(scalar)
    }
}

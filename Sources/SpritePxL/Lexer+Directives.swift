extension Lexer {
    /// Consumes a comment-only line including its line break and records `#px:set key=value ...` settings as directives.
    mutating func consumeCommentLine() throws(PxLError) {
        let hash = location
        advance()
        skipInlineWhitespace()
        let marker: [Unicode.Scalar] = Array("px:set".unicodeScalars)
        let isDirective =
            (0..<marker.count).allSatisfy { peek($0) == marker[$0] }
            && (peek(marker.count) == nil || peek(marker.count) == " " || peek(marker.count) == "\t"
                || isLineBreak(peek(marker.count)))
        if isDirective {
            for _ in 0..<marker.count {
                advance()
            }
            try consumeDirectiveSettings(hash: hash)
        }
        while let scalar = peek(), !isLineBreak(scalar) {
            advance()
        }
        if peek() != nil {
            consumeLineBreak()
        }
    }

    mutating func consumeDirectiveSettings(hash: SourceLocation) throws(PxLError) {
        var count = 0
        while true {
            skipInlineWhitespace()
            guard let scalar = peek(), !isLineBreak(scalar), scalar != "#" else { break }
            let start = location
            var text = String.UnicodeScalarView()
            while let next = peek(), !isLineBreak(next), next != " ", next != "\t" {
                text.append(next)
                advance()
            }
            let setting = String(text)
            guard let equals = setting.firstIndex(of: "=") else {
                throw malformedDirective(setting, at: start)
            }
            let key = String(setting[..<equals])
            let value = String(setting[setting.index(after: equals)...])
            guard Self.isDirectiveKey(key), !value.isEmpty else {
                throw malformedDirective(setting, at: start)
            }
            directives.append(Directive(key: key, value: value, location: start))
            count += 1
        }
        if count == 0 {
            throw error("'#px:set' needs at least one 'key=value' setting", at: hash)
        }
    }

    func malformedDirective(_ setting: String, at start: SourceLocation) -> PxLError {
        error("malformed '#px:set' setting '\(setting)'; expected 'key=value'", at: start)
    }

    static func isDirectiveKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCII, !isDecimalDigit(first) else {
            return false
        }
        return key.unicodeScalars.allSatisfy { $0.isASCII && isIdentifierContinue($0) }
    }
}

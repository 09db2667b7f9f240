/// The PxL tokenizer.
///
/// It follows Python's lexical rules for the supported subset: `INDENT`/`DEDENT`/`NEWLINE`
/// tokens from leading whitespace (tabs advance to the next multiple of 8 and must be used
/// consistently), blank and comment-only lines are ignored, newlines inside `()`, `[]` and `{}`
/// are ignored and a backslash at the end of a line joins it with the next. Comment-only lines of
/// the form `#px:set key=value ...` are collected as ``Directive``s.
public struct Lexer {
    /// The result of tokenizing a script.
    public struct Output: Sendable, Equatable {
        /// The tokens, always ending with ``Token/Kind/endOfInput``.
        public var tokens: [Token]
        /// The `#px:set` settings in source order.
        public var directives: [Directive]
    }

    /// The maximum number of nested indentation levels.
    public static let maximumIndentationDepth = 100
    /// The maximum number of simultaneously open brackets.
    public static let maximumBracketDepth = 200

    /// One entry of the indentation stack: the width with tabs expanded to multiples of 8 and
    /// the raw character count, which must order the same way (otherwise tabs and spaces are
    /// mixed ambiguously).
    struct Indentation {
        var width: Int
        var characters: Int
    }

    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var column = 1
    var offset = 0
    var tokens: [Token] = []
    var directives: [Directive] = []
    var indentation: [Indentation] = [Indentation(width: 0, characters: 0)]
    var brackets: [(punctuation: Punctuation, location: SourceLocation)] = []
    var atLineStart = true
    var commentLocation: SourceLocation?

    init(source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// Splits `source` into tokens and `#px:set` directives.
    public static func tokenize(_ source: String) throws(PxLError) -> Output {
        var lexer = Lexer(source: source)
        try lexer.run()
        return Output(tokens: lexer.tokens, directives: lexer.directives)
    }

    // MARK: - Cursor

    var location: SourceLocation {
        SourceLocation(line: line, column: column, offset: offset)
    }

    func peek(_ distance: Int = 0) -> Unicode.Scalar? {
        let position = index + distance
        return position < scalars.count ? scalars[position] : nil
    }

    mutating func advance() {
        guard index < scalars.count else { return }
        let scalar = scalars[index]
        index += 1
        offset += UTF8.width(scalar)
        if scalar == "\n" || (scalar == "\r" && peek() != "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    func isLineBreak(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == "\n" || scalar == "\r"
    }

    /// Consumes `\n`, `\r\n` or `\r`.
    mutating func consumeLineBreak() {
        if peek() == "\r" {
            advance()
            if peek() == "\n" {
                advance()
            }
        } else {
            advance()
        }
    }

    mutating func emit(_ kind: Token.Kind, at location: SourceLocation) {
        tokens.append(Token(kind: kind, location: location))
    }

    func error(_ message: String, at location: SourceLocation, code: PxLError.Code = .syntax)
        -> PxLError
    {
        PxLError(code, message, at: location)
    }

    // MARK: - Main loop

    mutating func run() throws(PxLError) {
        if peek() == "\u{FEFF}" {
            advance()
            column = 1
        }
        while true {
            if atLineStart, try consumeLineStart() {
                continue
            }
            skipInlineWhitespace()
            guard let scalar = peek() else { break }
            switch scalar {
            case "#":
                commentLocation = location
                while let next = peek(), !isLineBreak(next) {
                    advance()
                }
            case "\n", "\r":
                let newlineLocation = commentLocation ?? location
                commentLocation = nil
                consumeLineBreak()
                if brackets.isEmpty {
                    emit(.newline, at: newlineLocation)
                    atLineStart = true
                }
            case "\\":
                try consumeLineContinuation()
            default:
                try lexToken(startingWith: scalar)
            }
        }
        try finish()
    }

    mutating func skipInlineWhitespace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\u{0C}" {
            advance()
        }
    }

    mutating func consumeLineContinuation() throws(PxLError) {
        let backslash = location
        advance()
        guard isLineBreak(peek()) else {
            throw error("unexpected character after line continuation character '\\'", at: backslash)
        }
        consumeLineBreak()
        if peek() == nil {
            throw error("unexpected end of input after line continuation character '\\'", at: backslash)
        }
    }

    /// Measures the indentation of a new logical line and emits `INDENT`/`DEDENT` tokens.
    /// Returns `true` when the line was blank or comment-only and has been consumed entirely.
    mutating func consumeLineStart() throws(PxLError) -> Bool {
        var width = 0
        var characters = 0
        while let scalar = peek() {
            if scalar == " " {
                width += 1
                characters += 1
            } else if scalar == "\t" {
                width = (width / 8 + 1) * 8
                characters += 1
            } else if scalar == "\u{0C}" {
                width = 0
                characters = 0
            } else {
                break
            }
            advance()
        }
        guard let scalar = peek() else {
            atLineStart = false
            return false
        }
        if scalar == "#" {
            try consumeCommentLine()
            return true
        }
        if isLineBreak(scalar) {
            consumeLineBreak()
            return true
        }
        atLineStart = false
        try applyIndentation(Indentation(width: width, characters: characters))
        return false
    }

    mutating func applyIndentation(_ new: Indentation) throws(PxLError) {
        let start = location
        let inconsistent = "inconsistent use of tabs and spaces in indentation"
        var top = indentation[indentation.count - 1]
        if new.width > top.width {
            guard new.characters > top.characters else { throw error(inconsistent, at: start) }
            guard indentation.count <= Self.maximumIndentationDepth else {
                throw error(
                    "too many levels of indentation (limit is \(Self.maximumIndentationDepth))",
                    at: start)
            }
            indentation.append(new)
            emit(.indent, at: start)
            return
        }
        while new.width < top.width, indentation.count > 1 {
            indentation.removeLast()
            emit(.dedent, at: start)
            top = indentation[indentation.count - 1]
        }
        guard new.width == top.width else {
            throw error("unindent does not match any outer indentation level", at: start)
        }
        guard new.characters == top.characters else { throw error(inconsistent, at: start) }
    }

    mutating func finish() throws(PxLError) {
        if let (punctuation, openLocation) = brackets.last {
            throw error("'\(punctuation.rawValue)' was never closed", at: openLocation)
        }
        let end = location
        if let last = tokens.last, last.kind != .newline {
            emit(.newline, at: commentLocation ?? end)
        }
        for _ in 1..<indentation.count {
            emit(.dedent, at: end)
        }
        emit(.endOfInput, at: end)
    }

    // MARK: - Tokens

    mutating func lexToken(startingWith scalar: Unicode.Scalar) throws(PxLError) {
        let start = location
        if Self.isIdentifierStart(scalar) {
            try lexNameOrPrefixedString(at: start)
        } else if Self.isDecimalDigit(scalar) || (scalar == "." && Self.isDecimalDigit(peek(1))) {
            emit(try lexNumber(), at: start)
        } else if scalar == "'" || scalar == "\"" {
            emit(.string(try lexString(prefix: "", at: start)), at: start)
        } else {
            try lexPunctuation(at: start)
        }
    }

    mutating func lexNameOrPrefixedString(at start: SourceLocation) throws(PxLError) {
        var name = String.UnicodeScalarView()
        while let scalar = peek(), Self.isIdentifierContinue(scalar) {
            name.append(scalar)
            advance()
        }
        let text = String(name)
        if let quote = peek(), quote == "'" || quote == "\"",
            Self.stringPrefixes.contains(text.lowercased())
        {
            emit(.string(try lexString(prefix: text.lowercased(), at: start)), at: start)
        } else if let keyword = Keyword(rawValue: text) {
            emit(.keyword(keyword), at: start)
        } else {
            emit(.name(text), at: start)
        }
    }

    mutating func lexPunctuation(at start: SourceLocation) throws(PxLError) {
        for length in [3, 2, 1] where index + length <= scalars.count {
            var spelling = String.UnicodeScalarView()
            spelling.append(contentsOf: scalars[index..<(index + length)])
            guard let punctuation = Punctuation.bySpelling[String(spelling)] else { continue }
            for _ in 0..<length {
                advance()
            }
            try trackBracket(punctuation, at: start)
            emit(.punctuation(punctuation), at: start)
            return
        }
        throw invalidCharacter(at: start)
    }

    mutating func trackBracket(_ punctuation: Punctuation, at start: SourceLocation)
        throws(PxLError)
    {
        switch punctuation {
        case .leftParenthesis, .leftBracket, .leftBrace:
            guard brackets.count < Self.maximumBracketDepth else {
                throw error(
                    "too many nested brackets (limit is \(Self.maximumBracketDepth))", at: start)
            }
            brackets.append((punctuation, start))
        case .rightParenthesis, .rightBracket, .rightBrace:
            guard let (open, openLocation) = brackets.popLast() else {
                throw error("unmatched '\(punctuation.rawValue)'", at: start)
            }
            guard Self.closing(open) == punctuation else {
                throw error(
                    "closing '\(punctuation.rawValue)' does not match opening '\(open.rawValue)' "
                        + "at \(openLocation)",
                    at: start)
            }
        default:
            break
        }
    }

    func invalidCharacter(at start: SourceLocation) -> PxLError {
        let scalar = peek() ?? " "
        let hex = Self.codePoint(scalar)
        if scalar == "!" {
            return error("unexpected '!'; use 'not' for logical negation and '!=' for inequality", at: start)
        }
        if scalar == "$" || scalar == "?" || scalar == "`" || scalar.properties.isGraphemeBase
            && !scalar.properties.isWhitespace
        {
            return error("invalid character '\(scalar)' (\(hex))", at: start)
        }
        return error("invalid character \(hex)", at: start)
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func closing(_ open: Punctuation) -> Punctuation {
        switch open {
        case .leftParenthesis: .rightParenthesis
        case .leftBracket: .rightBracket
        default: .rightBrace
        }
    }

    static let stringPrefixes: Set<String> = ["r", "u", "b", "f", "br", "rb", "fr", "rf"]

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        return scalar.properties.isXIDStart
    }

    static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return isIdentifierStart(scalar) || isDecimalDigit(scalar)
        }
        return scalar.properties.isXIDContinue
    }

    static func isDecimalDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }
}

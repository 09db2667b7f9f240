/// A recursive-descent parser over the ``Lexer``'s tokens implementing `grammar/pxl.ebnf`.
struct Parser {
    let tokens: [Token]
    var position = 0
    /// Current expression nesting depth, bounded by ``PxLParser/maximumNestingDepth``.
    var depth = 0
    /// Number of enclosing function definitions (for `return` checks).
    var functionDepth = 0

    /// `tokens` must end with ``Token/Kind/endOfInput``, as the lexer guarantees.
    init(tokens: [Token]) {
        self.tokens = tokens.isEmpty
            ? [Token(kind: .endOfInput, location: SourceLocation(line: 1, column: 1))] : tokens
    }

    var current: Token { tokens[position] }

    func peek(_ distance: Int) -> Token {
        tokens[min(position + distance, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 {
            position += 1
        }
        return token
    }

    func check(_ punctuation: Punctuation) -> Bool {
        current.kind == .punctuation(punctuation)
    }

    func check(_ keyword: Keyword) -> Bool {
        current.kind == .keyword(keyword)
    }

    mutating func accept(_ punctuation: Punctuation) -> Token? {
        check(punctuation) ? advance() : nil
    }

    /// Consumes `punctuation` or throws "expected <what>, found <current token>".
    @discardableResult
    mutating func expect(_ punctuation: Punctuation, _ what: String) throws(PxLError) -> Token {
        guard check(punctuation) else { throw expected(what) }
        return advance()
    }

    /// Consumes a name or throws "expected <what>, found <current token>".
    mutating func expectName(_ what: String) throws(PxLError) -> Identifier {
        guard case .name(let name) = current.kind else { throw expected(what) }
        return Identifier(name, at: advance().location)
    }

    var isAtLineEnd: Bool {
        current.kind == .newline || current.kind == .endOfInput
    }

    /// A `syntax` error at the current token: "expected <what>, found <token>".
    func expected(_ what: String) -> PxLError {
        if current.kind == .indent {
            return PxLError(.syntax, "unexpected indent", at: current.location)
        }
        return PxLError(.syntax, "expected \(what), found \(current.diagnosticDescription)", at: current.location)
    }

    /// Enters one nesting level; the caller restores ``depth`` when done.
    mutating func enterNesting(at location: SourceLocation) throws(PxLError) {
        depth += 1
        if depth > PxLParser.maximumNestingDepth {
            throw PxLError(
                .syntax,
                "expression is nested too deeply (limit is \(PxLParser.maximumNestingDepth) levels)",
                at: location)
        }
    }
}

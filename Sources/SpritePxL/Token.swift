/// A lexical token of a PxL script, produced by ``Lexer``.
public struct Token: Sendable, Equatable {
    /// What a token is, with its decoded value.
    public enum Kind: Sendable, Equatable {
        /// An identifier that is not a keyword.
        case name(String)
        /// A reserved word (Python's keywords, including the ones PxL rejects).
        case keyword(Keyword)
        /// An integer literal (decimal, `0x`, `0o` or `0b`, underscores removed).
        case integer(Int64)
        /// A floating-point literal.
        case float(Double)
        /// A string literal with escapes decoded (raw strings keep backslashes).
        case string(String)
        /// An operator or delimiter.
        case punctuation(Punctuation)
        /// The end of a logical line.
        case newline
        /// An increase of indentation at the start of a logical line.
        case indent
        /// A decrease of indentation by one level.
        case dedent
        /// The end of the script.
        case endOfInput
    }

    /// The kind and value of the token.
    public var kind: Kind
    /// Where the token starts.
    public var location: SourceLocation

    /// Creates a token.
    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

extension Token {
    /// A short human-readable description used in diagnostics, e.g. `name 'df'` or `')'`.
    var diagnosticDescription: String {
        switch kind {
        case .name(let name): "name '\(name)'"
        case .keyword(let keyword): "keyword '\(keyword.rawValue)'"
        case .integer(let value): "number \(value)"
        case .float(let value): "number \(value)"
        case .string: "string literal"
        case .punctuation(let punctuation): "'\(punctuation.rawValue)'"
        case .newline: "end of line"
        case .indent: "indent"
        case .dedent: "end of indented block"
        case .endOfInput: "end of input"
        }
    }
}

/// Operators and delimiters recognized by the ``Lexer``.
///
/// Besides the symbols PxL supports, this includes Python's other operators (`**`, `//`,
/// bitwise operators, augmented assignments, `:=`) so the parser can reject them by name.
public enum Punctuation: String, Sendable, Hashable, CaseIterable {
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    case percent = "%"
    case doubleSlash = "//"
    case doubleStar = "**"
    case equalEqual = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case equal = "="
    case dot = "."
    case comma = ","
    case colon = ":"
    case semicolon = ";"
    case leftParenthesis = "("
    case rightParenthesis = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case leftBrace = "{"
    case rightBrace = "}"
    case at = "@"
    case arrow = "->"
    case ellipsis = "..."
    case ampersand = "&"
    case pipe = "|"
    case caret = "^"
    case tilde = "~"
    case shiftLeft = "<<"
    case shiftRight = ">>"
    case walrus = ":="
    case plusEqual = "+="
    case minusEqual = "-="
    case starEqual = "*="
    case slashEqual = "/="
    case percentEqual = "%="
    case doubleSlashEqual = "//="
    case doubleStarEqual = "**="
    case ampersandEqual = "&="
    case pipeEqual = "|="
    case caretEqual = "^="
    case atEqual = "@="
    case shiftLeftEqual = "<<="
    case shiftRightEqual = ">>="

    /// Whether this is an augmented assignment operator such as `+=`.
    public var isAugmentedAssignment: Bool {
        switch self {
        case .plusEqual, .minusEqual, .starEqual, .slashEqual, .percentEqual, .doubleSlashEqual,
            .doubleStarEqual, .ampersandEqual, .pipeEqual, .caretEqual, .atEqual, .shiftLeftEqual,
            .shiftRightEqual:
            true
        default:
            false
        }
    }

    /// Lookup table from spelling to punctuation, used for longest-match lexing.
    static let bySpelling: [String: Punctuation] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) }
    )
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable, Hashable, CaseIterable {
    /// `-x`
    case negate = "-"
    /// `+x`
    case plus = "+"
    /// `not x`
    case not = "not"
}

/// An infix operator. Precedence follows Python, from loosest to tightest:
/// `or`; `and`; (`not`); comparisons; `+ -`; `* / %`.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    /// `a or b`
    case or
    /// `a and b`
    case and
    /// `a == b`
    case equal = "=="
    /// `a != b`
    case notEqual = "!="
    /// `a < b`
    case less = "<"
    /// `a <= b`
    case lessOrEqual = "<="
    /// `a > b`
    case greater = ">"
    /// `a >= b`
    case greaterOrEqual = ">="
    /// `a + b`
    case add = "+"
    /// `a - b`
    case subtract = "-"
    /// `a * b`
    case multiply = "*"
    /// `a / b`
    case divide = "/"
    /// `a % b`
    case modulo = "%"

    /// The operator as written in PxL.
    public var symbol: String { rawValue }

    /// Whether the operator is `==`, `!=`, `<`, `<=`, `>` or `>=`.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }

    /// Whether the operator is `and` or `or`.
    public var isLogical: Bool { self == .and || self == .or }

    /// Binding strength: 1 for `or` up to 6 for `* / %` (`not` sits at 3).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 4
        case .add, .subtract: 5
        case .multiply, .divide, .modulo: 6
        }
    }
}

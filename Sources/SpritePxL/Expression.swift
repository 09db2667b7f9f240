/// A PxL expression with its source location.
///
/// The location is where the expression's text starts: the left operand of a binary operation,
/// the callee of a call, the base of an attribute or subscript, the opening bracket of a list,
/// tuple or dictionary. A parenthesized expression has the location of its inner expression.
public struct Expression: Sendable, Equatable {
    /// The expression forms of PxL.
    public indirect enum Kind: Sendable, Equatable {
        /// A variable or module reference, e.g. `px` or `df`.
        case name(String)
        /// Attribute access `base.name`, e.g. `df.latency` or `px.count`.
        case attribute(base: Expression, name: Identifier)
        /// A call `callee(arguments)`, e.g. `px.DataFrame(table='http_events')`.
        case call(callee: Expression, arguments: [Argument])
        /// A subscript `base[index]`, e.g. `df['service']` or `df[['a', 'b']]`.
        /// `df[a, b]` has a ``tuple(_:)`` index, as in Python.
        case `subscript`(base: Expression, index: Expression)
        /// A list display `[a, b]`.
        case list([Expression])
        /// A tuple `(a, b)`, `(a,)`, `()` or a bare `a, b` where Python allows it.
        case tuple([Expression])
        /// A dictionary display `{key: value, ...}`.
        case dictionary([DictionaryEntry])
        /// A string literal (adjacent literals are concatenated).
        case string(String)
        /// An integer literal.
        case integer(Int64)
        /// A floating-point literal.
        case float(Double)
        /// `True` or `False`.
        case boolean(Bool)
        /// `None`.
        case none
        /// A prefix operation: `-x`, `+x` or `not x`.
        case unary(UnaryOperator, Expression)
        /// An infix operation: arithmetic, comparison, `and` or `or`.
        case binary(BinaryOperator, Expression, Expression)
    }

    /// The form of the expression.
    public var kind: Kind
    /// Where the expression starts.
    public var location: SourceLocation

    /// Creates an expression.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// One argument of a call: positional (`label == nil`) or keyword (`label=value`).
public struct Argument: Sendable, Equatable {
    /// The keyword, for keyword arguments.
    public var label: Identifier?
    /// The argument value.
    public var value: Expression
    /// Where the argument starts (its label, or its value for positional arguments).
    public var location: SourceLocation

    /// Creates an argument.
    public init(label: Identifier?, value: Expression) {
        self.label = label
        self.value = value
        self.location = label?.location ?? value.location
    }
}

/// One `key: value` entry of a dictionary display.
public struct DictionaryEntry: Sendable, Equatable {
    /// The key expression.
    public var key: Expression
    /// The value expression.
    public var value: Expression

    /// Creates an entry.
    public init(key: Expression, value: Expression) {
        self.key = key
        self.value = value
    }
}

import SpriteStore

/// An unbound scalar expression over the columns of an operator's input, as the compiler builds it.
///
/// Operators are ordinary calls: `a + b` is `.call("add", [a, b])`. ``Binder`` resolves names and
/// overloads against a schema and the ``FunctionRegistry`` into a typed ``BoundExpr``.
public indirect enum Expr: Sendable, Hashable {
    /// The input column called `name`.
    case column(String)
    /// A constant.
    case literal(Value)
    /// A scalar function by Pixie name without `px.` (e.g. `contains`, `add`, `DurationNanos`).
    case call(String, [Expr])

    /// `.call(name, args)` spelled as a function.
    public static func call(_ name: String, _ args: Expr...) -> Expr { .call(name, args) }

    /// The names of the columns the expression reads.
    public var referencedColumns: Set<String> {
        var out = Set<String>()
        collectColumns(into: &out)
        return out
    }

    func collectColumns(into out: inout Set<String>) {
        switch self {
        case .column(let n): out.insert(n)
        case .literal: break
        case .call(_, let args): for a in args { a.collectColumns(into: &out) }
        }
    }
}

extension Expr: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    /// A string literal is a string constant (use ``column(_:)`` for columns).
    public init(stringLiteral value: String) { self = .literal(.string(value)) }
    public init(integerLiteral value: Int64) { self = .literal(.int64(value)) }
    public init(floatLiteral value: Double) { self = .literal(.float64(value)) }
    public init(booleanLiteral value: Bool) { self = .literal(.boolean(value)) }
}

/// An expression with the name of the column it produces.
public struct NamedExpr: Sendable, Hashable {
    /// The output column name.
    public var name: String
    /// The value.
    public var expr: Expr

    public init(_ name: String, _ expr: Expr) {
        self.name = name
        self.expr = expr
    }
}

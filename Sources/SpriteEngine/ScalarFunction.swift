import SpriteStore

/// One typed form of a scalar function: argument types, result type and its vectorized kernel.
public struct ScalarOverload: Sendable {
    /// Argument types. With ``variadic``, the last type repeats (zero or more times).
    public let arguments: [DataType]
    /// Whether the last argument type repeats (e.g. `equals_any(x, a, b, ...)`).
    public let variadic: Bool
    /// The result type.
    public let result: DataType
    /// How the result's semantic type is derived.
    public let semantic: SemanticRule
    /// Argument positions that must be constants (e.g. a regular expression).
    public let constantArguments: Set<Int>
    /// Whether the result depends only on the row's values, so a dictionary-encoded string
    /// argument can be computed once per dictionary entry.
    public let elementwise: Bool
    /// Whether the function returns its first argument unchanged (semantic casts).
    public let isIdentity: Bool
    let kernel: Kernel

    init(_ arguments: [DataType], _ result: DataType, variadic: Bool = false, semantic: SemanticRule = .none,
         constants: Set<Int> = [], elementwise: Bool = true, identity: Bool = false, kernel: @escaping Kernel) {
        self.arguments = arguments
        self.variadic = variadic
        self.result = result
        self.semantic = semantic
        self.constantArguments = constants
        self.elementwise = elementwise
        self.isIdentity = identity
        self.kernel = kernel
    }

    /// The argument type at position `i`, or `nil` past the end.
    func argumentType(_ i: Int) -> DataType? {
        if i < arguments.count { return arguments[i] }
        return variadic ? arguments.last : nil
    }

    /// Whether `n` arguments fit.
    func accepts(count n: Int) -> Bool {
        variadic ? n >= arguments.count - 1 : n == arguments.count
    }

    /// `(INT64, INT64) -> INT64`.
    public var signature: String {
        var a = arguments.map(\.rawValue)
        if variadic, let last = a.last { a[a.count - 1] = last + "..." }
        return "(\(a.joined(separator: ", "))) -> \(result.rawValue)"
    }
}

/// A scalar function (UDF) with all its overloads, by Pixie name without `px.`.
public struct ScalarFunction: Sendable {
    public let name: String
    public let overloads: [ScalarOverload]
    /// A one-line description, shown by `px.GetUDFList()`.
    public let documentation: String

    public init(name: String, documentation: String, overloads: [ScalarOverload]) {
        self.name = name
        self.documentation = documentation
        self.overloads = overloads
    }
}

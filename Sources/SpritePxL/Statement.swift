/// A PxL statement with its source location (the start of its first token: the assignment
/// target, the `import`/`from`/`def`/`return`/`pass` keyword, or the expression).
public struct Statement: Sendable, Equatable {
    /// The statement forms of PxL.
    public enum Kind: Sendable, Equatable {
        /// `import px`, `import px as p`, `import a, b.c`.
        case importModule([ImportedName])
        /// `from px import a, b as c` (`module` is the dotted module name).
        case importFrom(module: String, names: [ImportedName])
        /// `target = value`.
        case assignment(target: AssignmentTarget, value: Expression)
        /// An expression evaluated for its effect, e.g. `px.display(df)`.
        case expression(Expression)
        /// A function definition.
        case function(FunctionDefinition)
        /// `return` or `return value` (only inside a function).
        case `return`(Expression?)
        /// `pass`.
        case pass
    }

    /// The form of the statement.
    public var kind: Kind
    /// Where the statement starts.
    public var location: SourceLocation

    /// Creates a statement.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// The left-hand side of an assignment.
public enum AssignmentTarget: Sendable, Equatable {
    /// `name = ...`
    case name(Identifier)
    /// `base.name = ...`, e.g. `df.failure = ...` (adds or replaces a column).
    case attribute(base: Expression, name: Identifier)
    /// `base[index] = ...`, e.g. `df['failure'] = ...`.
    case `subscript`(base: Expression, index: Expression)

    /// Where the target starts.
    public var location: SourceLocation {
        switch self {
        case .name(let identifier): identifier.location
        case .attribute(let base, _): base.location
        case .subscript(let base, _): base.location
        }
    }
}

/// A module or member named by an import, with its optional `as` alias.
public struct ImportedName: Sendable, Equatable {
    /// The (dotted, for `import`) name, e.g. `px` or `px.trace`.
    public var name: String
    /// The alias after `as`, if any.
    public var alias: String?
    /// Where the name starts.
    public var location: SourceLocation

    /// The name the import binds: the alias, or the name itself.
    public var boundName: String { alias ?? name }

    /// Creates an imported name.
    public init(_ name: String, alias: String? = nil, at location: SourceLocation) {
        self.name = name
        self.alias = alias
        self.location = location
    }
}

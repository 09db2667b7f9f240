/// `def name(parameters) -> returnAnnotation:` with its body, optional docstring and optional
/// single decorator.
public struct FunctionDefinition: Sendable, Equatable {
    /// The function name.
    public var name: Identifier
    /// The parameters in order.
    public var parameters: [Parameter]
    /// The expression after `->`, if any.
    public var returnAnnotation: Expression?
    /// The decorator expression after `@` (e.g. `px.vis.vega(...)`), if any.
    public var decorator: Expression?
    /// The leading string literal of the body, if any (not repeated in ``body``).
    public var docstring: String?
    /// The body statements, excluding the docstring. May be empty when the body is only a docstring.
    public var body: [Statement]

    /// Creates a function definition.
    public init(
        name: Identifier,
        parameters: [Parameter],
        returnAnnotation: Expression? = nil,
        decorator: Expression? = nil,
        docstring: String? = nil,
        body: [Statement]
    ) {
        self.name = name
        self.parameters = parameters
        self.returnAnnotation = returnAnnotation
        self.decorator = decorator
        self.docstring = docstring
        self.body = body
    }
}

/// A function parameter `name` or `name: annotation`.
public struct Parameter: Sendable, Equatable {
    /// The parameter name and its location.
    public var name: Identifier
    /// The annotation after `:`, e.g. `str` or `px.Service`.
    public var annotation: Expression?

    /// Where the parameter starts.
    public var location: SourceLocation { name.location }

    /// Creates a parameter.
    public init(name: Identifier, annotation: Expression? = nil) {
        self.name = name
        self.annotation = annotation
    }
}

/// A parsed PxL script.
public struct Module: Sendable, Equatable {
    /// The top-level statements, excluding the module docstring.
    public var statements: [Statement]
    /// The leading string literal of the script, if any.
    public var docstring: String?
    /// Every `#px:set key=value` setting in source order.
    public var directives: [Directive]
    /// The file name passed to the parser, if any.
    public var fileName: String?

    /// Creates a module.
    public init(
        statements: [Statement],
        docstring: String? = nil,
        directives: [Directive] = [],
        fileName: String? = nil
    ) {
        self.statements = statements
        self.docstring = docstring
        self.directives = directives
        self.fileName = fileName
    }

    /// The `#px:set` settings as a dictionary; a key set twice keeps its last value.
    public var flags: [String: String] {
        var flags: [String: String] = [:]
        for directive in directives {
            flags[directive.key] = directive.value
        }
        return flags
    }

    /// The function definitions at the top level, in source order.
    public var functions: [FunctionDefinition] {
        statements.compactMap {
            if case .function(let function) = $0.kind { function } else { nil }
        }
    }
}

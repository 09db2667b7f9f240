extension Statement: CustomStringConvertible {
    /// The statement in PxL syntax (expressions fully parenthesized, function bodies indented by
    /// four spaces), e.g. `df.failure = (df.resp_status >= 400)`.
    public var description: String {
        switch kind {
        case .importModule(let names):
            return "import " + names.map(\.description).joined(separator: ", ")
        case .importFrom(let module, let names):
            return "from \(module) import " + names.map(\.description).joined(separator: ", ")
        case .assignment(let target, let value):
            return "\(target) = \(value)"
        case .expression(let expression):
            return expression.description
        case .function(let function):
            return function.description
        case .return(let value):
            return value.map { "return \($0)" } ?? "return"
        case .pass:
            return "pass"
        }
    }
}

extension AssignmentTarget: CustomStringConvertible {
    /// The target in PxL syntax, e.g. `df.failure` or `df['failure']`.
    public var description: String {
        switch self {
        case .name(let identifier): identifier.name
        case .attribute(let base, let name): "\(base).\(name.name)"
        case .subscript(let base, let index): "\(base)[\(index)]"
        }
    }
}

extension ImportedName: CustomStringConvertible {
    /// `name` or `name as alias`.
    public var description: String {
        alias.map { "\(name) as \($0)" } ?? name
    }
}

extension FunctionDefinition: CustomStringConvertible {
    /// The definition in PxL syntax, including decorator, docstring and indented body.
    public var description: String {
        var lines: [String] = []
        if let decorator {
            lines.append("@\(decorator)")
        }
        let parameterList = parameters.map { parameter in
            parameter.annotation.map { "\(parameter.name.name): \($0)" } ?? parameter.name.name
        }.joined(separator: ", ")
        let returns = returnAnnotation.map { " -> \($0)" } ?? ""
        lines.append("def \(name.name)(\(parameterList))\(returns):")
        if let docstring {
            lines.append("    " + Expression.quoted(docstring))
        }
        for statement in body {
            for line in statement.description.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("    " + line)
            }
        }
        if body.isEmpty && docstring == nil {
            lines.append("    pass")
        }
        return lines.joined(separator: "\n")
    }
}

extension Module: CustomStringConvertible {
    /// The script in PxL syntax: flags, docstring and statements, one per line.
    public var description: String {
        var lines = directives.map { "#px:set \($0.key)=\($0.value)" }
        if let docstring {
            lines.append(Expression.quoted(docstring))
        }
        lines += statements.map(\.description)
        return lines.joined(separator: "\n")
    }
}

extension Parser {
    /// `decorated = "@" expression NEWLINE function_definition`
    mutating func parseDecoratedFunction() throws(PxLError) -> Statement {
        advance()
        let decorator = try parseExpression()
        guard current.kind == .newline else { throw expected("end of line after decorator") }
        advance()
        if check(.at) {
            throw PxLError(.unsupported, "PxL supports only one decorator per function", at: current.location)
        }
        guard check(.def) else {
            if current.kind == .indent {
                throw PxLError(.syntax, "unexpected indent", at: current.location)
            }
            throw PxLError(
                .syntax, "a decorator must be followed by a function definition ('def')",
                at: current.location)
        }
        return try parseFunction(decorator: decorator)
    }

    /// `function_definition = "def" NAME "(" [ parameters ] ")" [ "->" expression ] ":" block`
    mutating func parseFunction(decorator: Expression?) throws(PxLError) -> Statement {
        let start = advance().location
        let name = try expectName("function name after 'def'")
        try expect(.leftParenthesis, "'(' after function name")
        let parameters = try parseParameters()
        var returnAnnotation: Expression?
        if accept(.arrow) != nil {
            returnAnnotation = try parseExpression()
        }
        try expect(.colon, "':' after function signature")
        functionDepth += 1
        defer { functionDepth -= 1 }
        var body = try parseBlock(header: "function definition", line: start.line)
        let docstring = Self.extractDocstring(from: &body)
        let function = FunctionDefinition(
            name: name, parameters: parameters, returnAnnotation: returnAnnotation,
            decorator: decorator, docstring: docstring, body: body)
        return Statement(.function(function), at: start)
    }

    /// `parameters = parameter { "," parameter } [ "," ]`, `parameter = NAME [ ":" expression ]`;
    /// consumes the closing `)`.
    mutating func parseParameters() throws(PxLError) -> [Parameter] {
        var parameters: [Parameter] = []
        var names: Set<String> = []
        while !check(.rightParenthesis) {
            try rejectUnsupportedParameter()
            let name = try expectName("parameter name")
            guard names.insert(name.name).inserted else {
                throw PxLError(
                    .syntax, "duplicate parameter '\(name.name)' in function definition",
                    at: name.location)
            }
            var annotation: Expression?
            if accept(.colon) != nil {
                annotation = try parseExpression()
            }
            if check(.equal) {
                throw PxLError(
                    .unsupported,
                    "PxL does not support default parameter values ('\(name.name)=...'); "
                        + "every argument must be passed explicitly",
                    at: current.location)
            }
            parameters.append(Parameter(name: name, annotation: annotation))
            guard accept(.comma) != nil else { break }
        }
        try expect(.rightParenthesis, "',' or ')' in parameter list")
        return parameters
    }

    func rejectUnsupportedParameter() throws(PxLError) {
        let message: String? =
            switch current.kind {
            case .punctuation(.star): "PxL does not support variadic parameters ('*args')"
            case .punctuation(.doubleStar): "PxL does not support keyword variadic parameters ('**kwargs')"
            case .punctuation(.slash): "PxL does not support positional-only parameters ('/')"
            default: nil
            }
        if let message {
            throw PxLError(.unsupported, message, at: current.location)
        }
    }

    /// `block = NEWLINE INDENT statement { statement } DEDENT | simple_statements`
    mutating func parseBlock(header: String, line: Int) throws(PxLError) -> [Statement] {
        guard current.kind == .newline else {
            return try parseSimpleStatements()
        }
        advance()
        guard current.kind == .indent else {
            throw PxLError(
                .syntax, "expected an indented block after \(header) on line \(line)",
                at: current.location)
        }
        advance()
        var body: [Statement] = []
        while true {
            switch current.kind {
            case .dedent:
                advance()
                return body
            case .endOfInput:
                return body
            case .indent:
                throw PxLError(.syntax, "unexpected indent", at: current.location)
            case .newline:
                advance()
            default:
                body += try parseStatement()
            }
        }
    }
}

extension Parser {
    /// `module = { statement } END_OF_INPUT`
    mutating func parseModule() throws(PxLError) -> Module {
        var statements: [Statement] = []
        while current.kind != .endOfInput {
            if current.kind == .newline {
                advance()
                continue
            }
            if current.kind == .indent {
                throw PxLError(.syntax, "unexpected indent", at: current.location)
            }
            statements += try parseStatement()
        }
        let docstring = Self.extractDocstring(from: &statements)
        return Module(statements: statements, docstring: docstring)
    }

    /// Removes and returns a leading string-literal expression statement.
    static func extractDocstring(from statements: inout [Statement]) -> String? {
        guard let first = statements.first, case .expression(let expression) = first.kind,
            case .string(let text) = expression.kind
        else { return nil }
        statements.removeFirst()
        return text
    }

    /// `statement = function_definition | simple_statements`
    mutating func parseStatement() throws(PxLError) -> [Statement] {
        if check(.at) {
            return [try parseDecoratedFunction()]
        }
        if check(.def) {
            return [try parseFunction(decorator: nil)]
        }
        return try parseSimpleStatements()
    }

    /// `simple_statements = simple_statement { ";" simple_statement } [ ";" ] NEWLINE`
    mutating func parseSimpleStatements() throws(PxLError) -> [Statement] {
        var statements = [try parseSimpleStatement()]
        while accept(.semicolon) != nil {
            if isAtLineEnd { break }
            statements.append(try parseSimpleStatement())
        }
        guard current.kind == .newline else {
            throw expected("end of line after statement")
        }
        advance()
        return statements
    }

    mutating func parseSimpleStatement() throws(PxLError) -> Statement {
        let start = current.location
        if case .keyword(let keyword) = current.kind {
            switch keyword {
            case .import:
                return try parseImport()
            case .from:
                return try parseFromImport()
            case .pass:
                advance()
                return Statement(.pass, at: start)
            case .return:
                return try parseReturn()
            case .def:
                throw PxLError(.syntax, "a function definition must start on its own line", at: start)
            default:
                if let message = Self.unsupportedStatementMessage(keyword) {
                    throw PxLError(.unsupported, message, at: start)
                }
            }
        }
        if check(.at) {
            throw PxLError(.syntax, "a decorator must start on its own line", at: start)
        }
        return try parseAssignmentOrExpression()
    }

    /// `assignment = target "=" expressions` | `expression_statement = expressions`
    mutating func parseAssignmentOrExpression() throws(PxLError) -> Statement {
        let expression = try parseExpressions()
        if case .punctuation(let punctuation) = current.kind {
            if punctuation == .equal {
                let target = try Self.assignmentTarget(expression)
                advance()
                let value = try parseExpressions()
                if check(.equal) {
                    throw PxLError(
                        .unsupported,
                        "PxL does not support chained assignment ('a = b = value'); assign each name separately",
                        at: current.location)
                }
                return Statement(.assignment(target: target, value: value), at: expression.location)
            }
            if punctuation.isAugmentedAssignment {
                let plain = String(punctuation.rawValue.dropLast())
                throw PxLError(
                    .unsupported,
                    "PxL does not support augmented assignment ('\(punctuation.rawValue)'); "
                        + "write 'x = x \(plain) value' instead",
                    at: current.location)
            }
            if punctuation == .colon {
                throw PxLError(
                    .unsupported, "PxL does not support variable annotations ('name: type = value')",
                    at: current.location)
            }
        }
        return Statement(.expression(expression), at: expression.location)
    }

    static func assignmentTarget(_ expression: Expression) throws(PxLError) -> AssignmentTarget {
        switch expression.kind {
        case .name(let name):
            return .name(Identifier(name, at: expression.location))
        case .attribute(let base, let name):
            return .attribute(base: base, name: name)
        case .subscript(let base, let index):
            return .subscript(base: base, index: index)
        case .tuple, .list:
            throw PxLError(
                .unsupported,
                "PxL does not support unpacking assignment; assign each name separately",
                at: expression.location)
        case .call:
            throw PxLError(.syntax, "cannot assign to a function call", at: expression.location)
        case .string, .integer, .float, .boolean, .none:
            throw PxLError(.syntax, "cannot assign to a literal", at: expression.location)
        case .dictionary, .unary, .binary:
            throw PxLError(.syntax, "cannot assign to an expression", at: expression.location)
        }
    }

    /// `return_statement = "return" [ expressions ]`
    mutating func parseReturn() throws(PxLError) -> Statement {
        let start = advance().location
        guard functionDepth > 0 else {
            throw PxLError(.syntax, "'return' outside function", at: start)
        }
        if isAtLineEnd || check(.semicolon) {
            return Statement(.return(nil), at: start)
        }
        return Statement(.return(try parseExpressions()), at: start)
    }

    /// `import_statement = "import" dotted_as_name { "," dotted_as_name }`
    mutating func parseImport() throws(PxLError) -> Statement {
        let start = advance().location
        var names: [ImportedName] = []
        repeat {
            let location = current.location
            let name = try parseDottedName()
            names.append(ImportedName(name, alias: try parseImportAlias(), at: location))
        } while accept(.comma) != nil
        return Statement(.importModule(names), at: start)
    }

    /// `from_statement = "from" dotted_name "import" ( import_names | "(" import_names [","] ")" )`
    mutating func parseFromImport() throws(PxLError) -> Statement {
        let start = advance().location
        if check(.dot) || check(.ellipsis) {
            throw PxLError(.unsupported, "PxL does not support relative imports", at: current.location)
        }
        let module = try parseDottedName()
        guard check(.import) else { throw expected("'import' after module name") }
        advance()
        if check(.star) {
            throw PxLError(
                .unsupported, "PxL does not support wildcard imports ('from \(module) import *')",
                at: current.location)
        }
        let parenthesized = accept(.leftParenthesis) != nil
        var names: [ImportedName] = []
        repeat {
            if parenthesized && check(.rightParenthesis) && !names.isEmpty { break }
            let name = try expectName("name to import")
            names.append(ImportedName(name.name, alias: try parseImportAlias(), at: name.location))
        } while accept(.comma) != nil
        if parenthesized {
            try expect(.rightParenthesis, "',' or ')' in import list")
        }
        return Statement(.importFrom(module: module, names: names), at: start)
    }

    mutating func parseDottedName() throws(PxLError) -> String {
        var name = try expectName("module name").name
        while accept(.dot) != nil {
            name += "." + (try expectName("name after '.'").name)
        }
        return name
    }

    mutating func parseImportAlias() throws(PxLError) -> String? {
        guard check(.as) else { return nil }
        advance()
        return try expectName("name after 'as'").name
    }
}

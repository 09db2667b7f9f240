extension Parser {
    /// `expressions = expression { "," expression } [ "," ]` — a bare tuple when there is a comma.
    mutating func parseExpressions() throws(PxLError) -> Expression {
        let first = try parseExpression()
        guard check(.comma) else { return first }
        var elements = [first]
        while accept(.comma) != nil {
            if isAtLineEnd || check(.equal) || check(.semicolon) || check(.rightParenthesis) { break }
            elements.append(try parseExpression())
        }
        return Expression(.tuple(elements), at: first.location)
    }

    /// `expression = disjunction` (rejecting `lambda`, `x if c else y` and `:=`).
    mutating func parseExpression() throws(PxLError) -> Expression {
        let saved = depth
        defer { depth = saved }
        try enterNesting(at: current.location)
        if check(.lambda) {
            throw PxLError(
                .unsupported, "PxL does not support 'lambda' expressions; define a function with 'def' instead",
                at: current.location)
        }
        let expression = try parseDisjunction()
        if check(.if) {
            throw PxLError(
                .unsupported,
                "PxL does not support conditional expressions ('a if condition else b'); "
                    + "use px.select(condition, a, b) instead",
                at: current.location)
        }
        if check(.walrus) {
            throw PxLError(
                .unsupported, "PxL does not support assignment expressions (':=')", at: current.location)
        }
        return expression
    }

    /// `disjunction = conjunction { "or" conjunction }`
    mutating func parseDisjunction() throws(PxLError) -> Expression {
        var expression = try parseConjunction()
        let saved = depth
        defer { depth = saved }
        while check(.or) {
            try enterNesting(at: advance().location)
            let right = try parseConjunction()
            expression = Expression(.binary(.or, expression, right), at: expression.location)
        }
        return expression
    }

    /// `conjunction = inversion { "and" inversion }`
    mutating func parseConjunction() throws(PxLError) -> Expression {
        var expression = try parseInversion()
        let saved = depth
        defer { depth = saved }
        while check(.and) {
            try enterNesting(at: advance().location)
            let right = try parseInversion()
            expression = Expression(.binary(.and, expression, right), at: expression.location)
        }
        return expression
    }

    /// `inversion = "not" inversion | comparison`
    mutating func parseInversion() throws(PxLError) -> Expression {
        guard check(.not) else { return try parseComparison() }
        let saved = depth
        defer { depth = saved }
        let start = advance().location
        try enterNesting(at: start)
        return Expression(.unary(.not, try parseInversion()), at: start)
    }

    /// `comparison = sum [ comparison_operator sum ]` — chains such as `a < b < c` are rejected.
    mutating func parseComparison() throws(PxLError) -> Expression {
        let left = try parseSum()
        try rejectMembershipOrIdentity()
        guard let comparison = comparisonOperator() else { return left }
        advance()
        let right = try parseSum()
        try rejectMembershipOrIdentity()
        if comparisonOperator() != nil {
            throw PxLError(
                .unsupported,
                "PxL does not support chained comparisons; combine comparisons with 'and'",
                at: current.location)
        }
        return Expression(.binary(comparison, left, right), at: left.location)
    }

    func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .punctuation(.equalEqual): .equal
        case .punctuation(.notEqual): .notEqual
        case .punctuation(.less): .less
        case .punctuation(.lessEqual): .lessOrEqual
        case .punctuation(.greater): .greater
        case .punctuation(.greaterEqual): .greaterOrEqual
        default: nil
        }
    }

    /// `sum = term { ( "+" | "-" ) term }`
    mutating func parseSum() throws(PxLError) -> Expression {
        var expression = try parseTerm()
        let saved = depth
        defer { depth = saved }
        while true {
            let operation: BinaryOperator
            switch current.kind {
            case .punctuation(.plus): operation = .add
            case .punctuation(.minus): operation = .subtract
            default: return expression
            }
            try enterNesting(at: advance().location)
            let right = try parseTerm()
            expression = Expression(.binary(operation, expression, right), at: expression.location)
        }
    }

    /// `term = factor { ( "*" | "/" | "%" ) factor }`
    mutating func parseTerm() throws(PxLError) -> Expression {
        var expression = try parseFactor()
        let saved = depth
        defer { depth = saved }
        while true {
            let operation: BinaryOperator
            switch current.kind {
            case .punctuation(.star): operation = .multiply
            case .punctuation(.slash): operation = .divide
            case .punctuation(.percent): operation = .modulo
            default:
                try rejectUnsupportedBinaryOperator()
                return expression
            }
            try enterNesting(at: advance().location)
            let right = try parseFactor()
            expression = Expression(.binary(operation, expression, right), at: expression.location)
        }
    }

    /// `factor = ( "-" | "+" ) factor | primary`
    mutating func parseFactor() throws(PxLError) -> Expression {
        let operation: UnaryOperator
        switch current.kind {
        case .punctuation(.minus): operation = .negate
        case .punctuation(.plus): operation = .plus
        case .punctuation(.tilde):
            throw PxLError(
                .unsupported, "PxL does not support the bitwise '~' operator; use 'not' for logical negation",
                at: current.location)
        default:
            return try parsePrimary()
        }
        let saved = depth
        defer { depth = saved }
        let start = advance().location
        try enterNesting(at: start)
        return Expression(.unary(operation, try parseFactor()), at: start)
    }

    /// `primary = atom { "." NAME | "(" [ arguments ] ")" | "[" subscript "]" }`
    mutating func parsePrimary() throws(PxLError) -> Expression {
        var expression = try parseAtom()
        let saved = depth
        defer { depth = saved }
        while true {
            switch current.kind {
            case .punctuation(.dot):
                try enterNesting(at: advance().location)
                let name = try expectName("attribute name after '.'")
                expression = Expression(.attribute(base: expression, name: name), at: expression.location)
            case .punctuation(.leftParenthesis):
                try enterNesting(at: current.location)
                let arguments = try parseArguments()
                expression = Expression(.call(callee: expression, arguments: arguments), at: expression.location)
            case .punctuation(.leftBracket):
                try enterNesting(at: current.location)
                let index = try parseSubscript()
                expression = Expression(.subscript(base: expression, index: index), at: expression.location)
            default:
                return expression
            }
        }
    }

    /// `atom = NAME | NUMBER | STRING { STRING } | "True" | "False" | "None" | parenthesized | list | dictionary`
    mutating func parseAtom() throws(PxLError) -> Expression {
        let start = current.location
        switch current.kind {
        case .name(let name):
            advance()
            return Expression(.name(name), at: start)
        case .integer(let value):
            advance()
            return Expression(.integer(value), at: start)
        case .float(let value):
            advance()
            return Expression(.float(value), at: start)
        case .string(let text):
            advance()
            var value = text
            while case .string(let next) = current.kind {
                value += next
                advance()
            }
            return Expression(.string(value), at: start)
        case .keyword(.true):
            advance()
            return Expression(.boolean(true), at: start)
        case .keyword(.false):
            advance()
            return Expression(.boolean(false), at: start)
        case .keyword(.none):
            advance()
            return Expression(.none, at: start)
        case .punctuation(.leftParenthesis):
            return try parseParenthesized()
        case .punctuation(.leftBracket):
            return try parseList()
        case .punctuation(.leftBrace):
            return try parseDictionary()
        default:
            throw unexpectedInExpression()
        }
    }

    /// The error for a token that cannot start an expression.
    func unexpectedInExpression() -> PxLError {
        let location = current.location
        switch current.kind {
        case .keyword(.lambda):
            return PxLError(
                .unsupported, "PxL does not support 'lambda' expressions; define a function with 'def' instead",
                at: location)
        case .keyword(.yield):
            return PxLError(.unsupported, "PxL does not support generators ('yield')", at: location)
        case .keyword(.await), .keyword(.async):
            return PxLError(.unsupported, "PxL does not support 'async'/'await'", at: location)
        case .punctuation(.star), .punctuation(.doubleStar):
            return PxLError(
                .unsupported,
                "PxL does not support unpacking ('\(current.kind == .punctuation(.star) ? "*" : "**")')",
                at: location)
        case .punctuation(.ellipsis):
            return PxLError(.unsupported, "PxL does not support '...' (Ellipsis)", at: location)
        default:
            return expected("an expression")
        }
    }
}

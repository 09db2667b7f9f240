extension Parser {
    /// `parenthesized = "(" [ expression [ "," [ expression { "," expression } [ "," ] ] ] ] ")"`
    mutating func parseParenthesized() throws(PxLError) -> Expression {
        let open = advance()
        if accept(.rightParenthesis) != nil {
            return Expression(.tuple([]), at: open.location)
        }
        if check(.yield) {
            throw unexpectedInExpression()
        }
        let first = try parseExpression()
        try rejectComprehension("generator expressions")
        if accept(.rightParenthesis) != nil {
            return first
        }
        guard check(.comma) else {
            throw expected("')' to close '(' at \(open.location)")
        }
        var elements = [first]
        while accept(.comma) != nil, !check(.rightParenthesis) {
            elements.append(try parseExpression())
            try rejectComprehension("generator expressions")
        }
        try expect(.rightParenthesis, "',' or ')' to close '(' at \(open.location)")
        return Expression(.tuple(elements), at: open.location)
    }

    /// `list = "[" [ expression { "," expression } [ "," ] ] "]"`
    mutating func parseList() throws(PxLError) -> Expression {
        let open = advance()
        var elements: [Expression] = []
        while !check(.rightBracket) {
            elements.append(try parseExpression())
            try rejectComprehension("list comprehensions")
            guard accept(.comma) != nil else { break }
        }
        try expect(.rightBracket, "',' or ']' to close '[' at \(open.location)")
        return Expression(.list(elements), at: open.location)
    }

    /// `dictionary = "{" [ entry { "," entry } [ "," ] ] "}"`, `entry = expression ":" expression`
    mutating func parseDictionary() throws(PxLError) -> Expression {
        let open = advance()
        var entries: [DictionaryEntry] = []
        while !check(.rightBrace) {
            if check(.doubleStar) {
                throw PxLError(.unsupported, "PxL does not support dictionary unpacking ('**')", at: current.location)
            }
            let key = try parseExpression()
            try rejectComprehension("set comprehensions")
            if entries.isEmpty && (check(.comma) || check(.rightBrace)) {
                throw PxLError(
                    .unsupported, "PxL does not support set literals; use a list instead", at: open.location)
            }
            try expect(.colon, "':' after dictionary key")
            let value = try parseExpression()
            try rejectComprehension("dictionary comprehensions")
            entries.append(DictionaryEntry(key: key, value: value))
            guard accept(.comma) != nil else { break }
        }
        try expect(.rightBrace, "',' or '}' to close '{' at \(open.location)")
        return Expression(.dictionary(entries), at: open.location)
    }

    /// `arguments = argument { "," argument } [ "," ]`, `argument = NAME "=" expression | expression`;
    /// keyword arguments must follow positional ones and may not repeat.
    mutating func parseArguments() throws(PxLError) -> [Argument] {
        let open = advance()
        var arguments: [Argument] = []
        var labels: Set<String> = []
        while !check(.rightParenthesis) {
            if check(.star) || check(.doubleStar) {
                throw PxLError(
                    .unsupported,
                    "PxL does not support argument unpacking ('\(check(.star) ? "*" : "**")') in calls",
                    at: current.location)
            }
            if case .name(let label) = current.kind, peek(1).kind == .punctuation(.equal) {
                let labelLocation = advance().location
                advance()
                guard labels.insert(label).inserted else {
                    throw PxLError(.syntax, "keyword argument '\(label)' repeated", at: labelLocation)
                }
                let value = try parseExpression()
                arguments.append(Argument(label: Identifier(label, at: labelLocation), value: value))
            } else {
                let value = try parseExpression()
                if check(.equal) {
                    throw PxLError(
                        .syntax, "a keyword argument name must be a plain name, as in 'name=value'",
                        at: value.location)
                }
                try rejectComprehension("generator expressions")
                if !labels.isEmpty {
                    throw PxLError(.syntax, "positional argument follows keyword argument", at: value.location)
                }
                arguments.append(Argument(label: nil, value: value))
            }
            guard accept(.comma) != nil else { break }
        }
        try expect(.rightParenthesis, "',' or ')' to close '(' at \(open.location)")
        return arguments
    }

    /// `subscript = "[" expressions "]"` (slices are rejected).
    mutating func parseSubscript() throws(PxLError) -> Expression {
        let open = advance()
        try rejectSlice()
        if check(.rightBracket) {
            throw expected("an index expression inside '[]'")
        }
        let first = try parseExpression()
        try rejectSlice()
        var index = first
        if check(.comma) {
            var elements = [first]
            while accept(.comma) != nil, !check(.rightBracket) {
                elements.append(try parseExpression())
                try rejectSlice()
            }
            index = Expression(.tuple(elements), at: first.location)
        }
        try expect(.rightBracket, "']' to close '[' at \(open.location)")
        return index
    }

    func rejectSlice() throws(PxLError) {
        if check(.colon) {
            throw PxLError(.unsupported, "PxL does not support slices ('a[start:stop]')", at: current.location)
        }
    }

    func rejectComprehension(_ kind: String) throws(PxLError) {
        if check(.for) || check(.async) {
            throw PxLError(
                .unsupported, "PxL does not support \(kind); use dataframe operations instead",
                at: current.location)
        }
    }
}

extension Parser {
    /// The message for a statement keyword PxL rejects, or `nil` if the keyword is not one.
    static func unsupportedStatementMessage(_ keyword: Keyword) -> String? {
        switch keyword {
        case .if, .elif, .else:
            "PxL does not support '\(keyword.rawValue)' statements; "
                + "filter rows with df[condition] or choose values with px.select(condition, a, b)"
        case .for:
            "PxL does not support 'for' loops; use dataframe operations instead"
        case .while:
            "PxL does not support 'while' loops; use dataframe operations instead"
        case .class:
            "PxL does not support class definitions"
        case .try, .except, .finally:
            "PxL does not support exception handling ('\(keyword.rawValue)')"
        case .raise:
            "PxL does not support 'raise' statements"
        case .with:
            "PxL does not support 'with' statements"
        case .global, .nonlocal:
            "PxL does not support '\(keyword.rawValue)' declarations"
        case .yield:
            "PxL does not support generators ('yield')"
        case .async, .await:
            "PxL does not support 'async'/'await'"
        case .del:
            "PxL does not support 'del' statements; use df.drop([...]) to remove columns"
        case .assert:
            "PxL does not support 'assert' statements"
        case .break, .continue:
            "PxL does not support '\(keyword.rawValue)' statements (there are no loops)"
        case .lambda:
            "PxL does not support 'lambda' expressions; define a function with 'def' instead"
        default:
            nil
        }
    }

    /// Rejects `**`, `//`, `@` and the bitwise operators by name when they follow an operand.
    func rejectUnsupportedBinaryOperator() throws(PxLError) {
        guard case .punctuation(let punctuation) = current.kind else { return }
        let message: String
        switch punctuation {
        case .doubleStar:
            message = "PxL does not support the '**' (power) operator"
        case .doubleSlash:
            message = "PxL does not support the '//' (floor division) operator; use '/' instead"
        case .at:
            message = "PxL does not support the '@' (matrix multiplication) operator"
        case .ampersand, .pipe:
            message = "PxL does not support the bitwise '\(punctuation.rawValue)' operator; use 'and' / 'or' instead"
        case .caret, .shiftLeft, .shiftRight:
            message = "PxL does not support the bitwise '\(punctuation.rawValue)' operator"
        default:
            return
        }
        throw PxLError(.unsupported, message, at: current.location)
    }

    /// Rejects `in`, `not in`, `is` and `is not` when they follow an operand.
    func rejectMembershipOrIdentity() throws(PxLError) {
        switch current.kind {
        case .keyword(.in):
            throw PxLError(.unsupported, "PxL does not support the 'in' operator", at: current.location)
        case .keyword(.not) where peek(1).kind == .keyword(.in):
            throw PxLError(.unsupported, "PxL does not support the 'not in' operator", at: current.location)
        case .keyword(.is):
            let spelling = peek(1).kind == .keyword(.not) ? "is not" : "is"
            throw PxLError(
                .unsupported, "PxL does not support the '\(spelling)' operator; use '==' or '!=' instead",
                at: current.location)
        default:
            return
        }
    }
}

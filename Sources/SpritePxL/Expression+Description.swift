extension Expression: CustomStringConvertible {
    /// The expression in PxL syntax with every unary and binary operation parenthesized,
    /// e.g. `(1 + (2 * 3))` or `px.display(df, 'name')`. Useful in tests and diagnostics.
    public var description: String {
        switch kind {
        case .name(let name):
            return name
        case .attribute(let base, let name):
            return "\(base).\(name.name)"
        case .call(let callee, let arguments):
            return "\(callee)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .subscript(let base, let index):
            if case .tuple(let elements) = index.kind, !elements.isEmpty {
                return "\(base)[\(elements.map(\.description).joined(separator: ", "))]"
            }
            return "\(base)[\(index)]"
        case .list(let elements):
            return "[\(elements.map(\.description).joined(separator: ", "))]"
        case .tuple(let elements):
            if elements.count == 1 {
                return "(\(elements[0]),)"
            }
            return "(\(elements.map(\.description).joined(separator: ", ")))"
        case .dictionary(let entries):
            return "{\(entries.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        case .string(let text):
            return Self.quoted(text)
        case .integer(let value):
            return String(value)
        case .float(let value):
            return String(value)
        case .boolean(let value):
            return value ? "True" : "False"
        case .none:
            return "None"
        case .unary(let operation, let operand):
            return operation == .not ? "(not \(operand))" : "(\(operation.rawValue)\(operand))"
        case .binary(let operation, let left, let right):
            return "(\(left) \(operation.symbol) \(right))"
        }
    }

    /// A single-quoted Python string literal for `text`.
    static func quoted(_ text: String) -> String {
        var result = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let digits = String(scalar.value, radix: 16)
                    result += "\\x" + (digits.count < 2 ? "0" : "") + digits
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "'"
    }
}

extension Argument: CustomStringConvertible {
    /// `value` or `label=value`.
    public var description: String {
        guard let label else { return value.description }
        return "\(label.name)=\(value)"
    }
}

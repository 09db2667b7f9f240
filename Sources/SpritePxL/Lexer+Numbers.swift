extension Lexer {
    /// Lexes an integer or float literal: decimal (`1_000`, `.5`, `1.`, `2.5e-3`), hexadecimal
    /// (`0xFF`), octal (`0o17`) or binary (`0b101`) with single underscores between digits.
    mutating func lexNumber() throws(PxLError) -> Token.Kind {
        let start = location
        if peek() == "0", let marker = peek(1), let radix = Self.radix(for: marker) {
            advance()
            advance()
            if peek() == "_" {
                advance()
            }
            let digits = try readDigits(radix: radix)
            guard !digits.isEmpty else {
                throw error("invalid \(Self.radixName(radix)) literal: expected digits after '0\(marker)'", at: start)
            }
            try rejectTrailingIdentifier(radix: radix)
            guard let value = Int64(digits, radix: radix) else {
                throw tooLarge(at: start)
            }
            return .integer(value)
        }
        let integerPart = try readDigits(radix: 10)
        var fractionPart: String?
        var exponentPart: String?
        if peek() == "." {
            advance()
            fractionPart = try readDigits(radix: 10)
        }
        if let marker = peek(), marker == "e" || marker == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if Self.isDecimalDigit(peek(signed ? 2 : 1)) {
                advance()
                var sign = ""
                if signed, let signScalar = peek() {
                    sign = String(signScalar)
                    advance()
                }
                exponentPart = sign + (try readDigits(radix: 10))
            }
        }
        try rejectTrailingIdentifier(radix: 10)
        if fractionPart == nil && exponentPart == nil {
            if integerPart.count > 1, integerPart.first == "0", integerPart.contains(where: { $0 != "0" }) {
                throw error(
                    "leading zeros in decimal integer literals are not permitted; use '0o' for octal",
                    at: start)
            }
            guard let value = Int64(integerPart) else { throw tooLarge(at: start) }
            return .integer(value)
        }
        let mantissa = (integerPart.isEmpty ? "0" : integerPart) + "."
            + ((fractionPart ?? "").isEmpty ? "0" : fractionPart ?? "0")
        let text = mantissa + (exponentPart.map { "e" + $0 } ?? "")
        guard let value = Double(text) else {
            throw error("invalid floating-point literal", at: start)
        }
        return .float(value)
    }

    /// Reads digits of `radix`, allowing single underscores between digits.
    mutating func readDigits(radix: Int) throws(PxLError) -> String {
        var digits = ""
        while let scalar = peek() {
            if scalar == "_" {
                let underscore = location
                guard let next = peek(1), Self.digitValue(next, radix: radix) != nil, !digits.isEmpty else {
                    throw error("invalid '_' in numeric literal; underscores may only separate digits", at: underscore)
                }
                advance()
                continue
            }
            guard Self.digitValue(scalar, radix: radix) != nil else { break }
            digits.unicodeScalars.append(scalar)
            advance()
        }
        return digits
    }

    /// Rejects a number immediately followed by letters or digits of another radix, e.g. `1abc`,
    /// `0b102` or the imaginary `2j`.
    func rejectTrailingIdentifier(radix: Int) throws(PxLError) {
        guard let scalar = peek(), Self.isIdentifierContinue(scalar) else { return }
        if radix == 10 && (scalar == "j" || scalar == "J") {
            throw error("PxL does not support imaginary numbers", at: location, code: .unsupported)
        }
        if radix != 10, Self.digitValue(scalar, radix: 16) != nil {
            throw error("invalid digit '\(scalar)' in \(Self.radixName(radix)) literal", at: location)
        }
        throw error("invalid \(Self.radixName(radix)) literal", at: location)
    }

    func tooLarge(at start: SourceLocation) -> PxLError {
        error("integer literal is too large (maximum is \(Int64.max))", at: start)
    }

    static func radix(for marker: Unicode.Scalar) -> Int? {
        switch marker {
        case "x", "X": 16
        case "o", "O": 8
        case "b", "B": 2
        default: nil
        }
    }

    static func radixName(_ radix: Int) -> String {
        switch radix {
        case 16: "hexadecimal"
        case 8: "octal"
        case 2: "binary"
        default: "decimal"
        }
    }

    static func digitValue(_ scalar: Unicode.Scalar, radix: Int) -> Int? {
        let value: Int
        switch scalar {
        case "0"..."9": value = Int(scalar.value - 48)
        case "a"..."f": value = Int(scalar.value - 87)
        case "A"..."F": value = Int(scalar.value - 55)
        default: return nil
        }
        return value < radix ? value : nil
    }
}

/// Line access into source text using the same line-break rules as the ``Lexer``
/// (`\n`, `\r\n` and a lone `\r` each end a line).
enum SourceText {
    /// The text of the 1-based line `number` without its line break, or `nil` if out of range.
    static func line(_ number: Int, of source: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var line = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in source.unicodeScalars {
            if scalar == "\n" && previousWasCarriageReturn {
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                if current == number {
                    return String(line)
                }
                current += 1
                continue
            }
            if current == number {
                line.append(scalar)
            }
        }
        return current == number ? String(line) : nil
    }
}

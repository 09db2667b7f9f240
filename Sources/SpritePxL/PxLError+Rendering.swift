extension PxLError {
    /// The rendered diagnostic: message, `--> file:line:column` and, when the source line is
    /// attached, the line with a caret under the offending column.
    public var description: String {
        var text = "error: \(message)"
        guard line >= 1 else { return text }
        let gutter = String(line).count
        let padding = String(repeating: " ", count: gutter)
        text += "\n\(padding) --> \(fileName ?? "<script>"):\(line):\(column)"
        guard let sourceLine else { return text }
        text += "\n\(line) | \(sourceLine)"
        text += "\n\(padding) | \(Self.caretPrefix(for: sourceLine, column: column))^"
        return text
    }

    /// Returns a copy of the error with the file name and the offending source line filled in
    /// from `source`, so that ``description`` renders the caret diagnostic.
    public func attachingSource(_ source: String, fileName: String? = nil) -> PxLError {
        var copy = self
        if let fileName {
            copy.fileName = fileName
        }
        copy.sourceLine = SourceText.line(line, of: source)
        return copy
    }

    /// Renders the error against `source` (see ``description``).
    public func rendered(source: String, fileName: String? = nil) -> String {
        attachingSource(source, fileName: fileName).description
    }

    /// The whitespace placed before the caret: tabs in the source line are kept as tabs so the
    /// caret stays aligned, everything else becomes a space.
    private static func caretPrefix(for sourceLine: String, column: Int) -> String {
        var prefix = ""
        var remaining = max(column - 1, 0)
        for scalar in sourceLine.unicodeScalars where remaining > 0 {
            prefix.append(scalar == "\t" ? "\t" : " ")
            remaining -= 1
        }
        prefix += String(repeating: " ", count: remaining)
        return prefix
    }
}

/// A position in a PxL script.
///
/// Lines and columns are 1-based. Columns count Unicode scalars (code points) from the start of
/// the line, so a tab, an `é` or a `日` each advance the column by exactly one. `offset` is the
/// 0-based UTF-8 byte offset of the position from the start of the source text.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars.
    public var column: Int
    /// The 0-based UTF-8 byte offset from the start of the source.
    public var offset: Int

    /// Creates a location from a 1-based line and column and a 0-based UTF-8 byte offset.
    public init(line: Int, column: Int, offset: Int = 0) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`, e.g. `3:14`.
    public var description: String { "\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

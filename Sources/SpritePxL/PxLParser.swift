/// The entry point of the PxL front end.
public enum PxLParser {
    /// The maximum nesting depth of expressions. Brackets, prefix operators and each link of an
    /// operator or postfix chain (`a + b + c`, `df.x.y`) count as one level. Deeper input is
    /// rejected with a `syntax` error instead of risking a stack overflow.
    public static let maximumNestingDepth = 200

    /// Parses a PxL script.
    ///
    /// - Parameters:
    ///   - source: The script text.
    ///   - fileName: The name used in diagnostics (`<script>` when `nil`).
    /// - Returns: The module: statements, docstring and `#px:set` flags.
    /// - Throws: A ``PxLError`` with code `syntax` or `unsupported`, whose `sourceLine` and
    ///   `fileName` are filled in so its `description` renders a caret diagnostic.
    public static func parse(_ source: String, fileName: String? = nil) throws(PxLError) -> Module {
        do {
            let lexed = try Lexer.tokenize(source)
            var parser = Parser(tokens: lexed.tokens)
            var module = try parser.parseModule()
            module.directives = lexed.directives
            module.fileName = fileName
            return module
        } catch {
            throw error.attachingSource(source, fileName: fileName)
        }
    }
}

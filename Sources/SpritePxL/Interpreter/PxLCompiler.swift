import SpriteEngine
import SpriteStore

/// Compiles PxL scripts into logical plans.
///
/// A script is interpreted statement by statement, as Python would run it, but data frame
/// operations build plans instead of computing rows. Every frame's schema is checked as it is
/// made, so unknown columns, wrong types and bad arguments are reported with the line and column
/// of the expression at fault before anything runs.
///
/// Two modes, as in Pixie: top-level mode collects every `px.display(df, name)`; function mode
/// (`function:`) runs the named function with string arguments converted to its parameter
/// annotations and returns its data frame as the result table named after the function.
public struct PxLCompiler: Sendable {
    /// The tables scripts can read.
    public var catalog: any Catalog
    /// The scalar functions scripts can call.
    public var registry: FunctionRegistry
    /// "Now", in ns since the epoch: relative times (`'-5m'`) and `px.now()` resolve against it.
    public var now: Int64
    /// Rows per result table unless the script sets `max_output_rows_per_table`.
    public var defaultMaxOutputRows: Int
    /// The time window of a scheduled export run (`px.plugin.start_time` / `end_time`), if any.
    public var pluginWindow: (start: Int64, end: Int64)?

    public init(catalog: any Catalog, registry: FunctionRegistry = .standard, now: Int64,
                defaultMaxOutputRows: Int = 10_000) {
        self.catalog = catalog
        self.registry = registry
        self.now = now
        self.defaultMaxOutputRows = defaultMaxOutputRows
    }

    /// Parses and compiles `source`.
    /// - Parameters:
    ///   - function: run this function of the script (function mode) instead of collecting
    ///     `px.display` calls.
    ///   - arguments: the function's arguments as text, by parameter name.
    /// - Throws: ``PxLError`` with the line and column of the problem and the source line.
    public func compile(_ source: String, fileName: String? = nil, function: String? = nil,
                        arguments: [String: String] = [:]) throws(PxLError) -> CompiledScript {
        do {
            let module = try PxLParser.parse(source, fileName: fileName)
            let interpreter = Interpreter(compiler: self, module: module)
            return try interpreter.run(function: function, arguments: arguments)
        } catch {
            throw error.attachingSource(source, fileName: fileName)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Logging
import SpriteEngine
import SpritePxL
import SpriteStore

/// Compiles PxL scripts and runs them on a node's table store.
public struct QueryService: Sendable {
    /// The tables queries read.
    public let store: TableStore
    let executor: Executor

    public init(store: TableStore, executor: Executor = Executor()) {
        self.store = store
        self.executor = executor
    }

    /// The answer to a query: result tables in script order and timings.
    public struct Answer: Sendable {
        public var tables: [ResultTable]
        public var compileNanos: Int64
        public var execNanos: Int64
        public var rowsProcessed: Int
        public var bytesProcessed: Int
    }

    /// Compiles and runs `request`.
    /// - Parameter now: `px.now()`; default the store's clock (an export run passes its window's end).
    /// - Throws: ``ClusterError`` `.compile` with line and column, or `.execution`.
    public func run(_ request: QueryRequest, now: Int64? = nil) throws(ClusterError) -> Answer {
        let now = now ?? store.clock.now
        let compileStart = Self.monotonicNanos()
        let plans = try Self.plans(script: request.script, function: request.function, args: request.args, now: now,
                                   pluginWindow: request.pluginWindow, exports: request.exports ?? false, catalog: store)
        let compileNanos = Self.monotonicNanos() - compileStart
        do {
            let result = try executor.execute(plans, store: store, now: now)
            return Answer(tables: result.tables, compileNanos: compileNanos, execNanos: result.stats.execNanos,
                          rowsProcessed: result.stats.rowsProcessed, bytesProcessed: result.stats.bytesProcessed)
        } catch {
            throw ClusterError(.execution, error.message)
        }
    }

    /// Compiles a script into the plans of its result tables: its `px.display` tables, or with
    /// `exports` its `px.export` frames (named `__export_0`, ...).
    /// - Throws: ``ClusterError`` `.compile` with line and column.
    public static func plans(script: String, function: String?, args: [String: String]?, now: Int64,
                             pluginWindow: PluginWindow?, exports: Bool, catalog: any Catalog) throws(ClusterError) -> [LogicalPlan] {
        var compiler = PxLCompiler(catalog: catalog, now: now)
        compiler.pluginWindow = pluginWindow.map { ($0.start, $0.end) }
        let compiled: CompiledScript
        do {
            compiled = try compiler.compile(script, function: function, arguments: args ?? [:])
        } catch {
            throw ClusterError(.compile, error.description, line: error.line > 0 ? error.line : nil,
                               column: error.column > 0 ? error.column : nil)
        }
        guard exports else { return compiled.plans }
        guard !compiled.exports.isEmpty else {
            throw ClusterError(.compile, "the script exports nothing: call px.export(df, px.otel.Data(...))")
        }
        return compiled.exports.map(\.plan)
    }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

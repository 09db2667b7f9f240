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
    /// - Throws: ``ClusterError`` `.compile` with line and column, or `.execution`.
    public func run(_ request: QueryRequest) throws(ClusterError) -> Answer {
        let now = store.clock.now
        let compileStart = Self.monotonicNanos()
        let compiled: CompiledScript
        do {
            compiled = try PxLCompiler(catalog: store, now: now)
                .compile(request.script, function: request.function, arguments: request.args ?? [:])
        } catch {
            throw ClusterError(.compile, error.description, line: error.line > 0 ? error.line : nil,
                               column: error.column > 0 ? error.column : nil)
        }
        let compileNanos = Self.monotonicNanos() - compileStart
        do {
            let result = try executor.execute(compiled.plans, store: store, now: now)
            return Answer(tables: result.tables, compileNanos: compileNanos, execNanos: result.stats.execNanos,
                          rowsProcessed: result.stats.rowsProcessed, bytesProcessed: result.stats.bytesProcessed)
        } catch {
            throw ClusterError(.execution, error.message)
        }
    }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

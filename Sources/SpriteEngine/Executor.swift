#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// Runs logical plans on a ``TableStore`` (or on provided input batches) with vectorized,
/// parallel operators.
///
/// ```swift
/// let plan = LogicalPlan.sink(.aggregate(.scan("http_events"), keys: ["req_path"],
///     aggregates: [AggregateCall("n", "count", "latency")], mode: .full), name: "output")
/// let result = try Executor().execute(plan, store: store, now: clock.now)
/// ```
///
/// For distributed aggregation, run the plan with `mode: .partial` on each node, then run the
/// same aggregate with `mode: .final` over an ``LogicalPlan/input(name:schema:)`` leaf fed with
/// the collected partial batches.
public struct Executor: Sendable {
    public let functions: FunctionRegistry
    public let aggregates: AggregateRegistry
    public let metadata: any MetadataProvider

    public init(functions: FunctionRegistry = .standard, aggregates: AggregateRegistry = .standard,
                metadata: any MetadataProvider = ProcMetadataProvider.shared) {
        self.functions = functions
        self.aggregates = aggregates
        self.metadata = metadata
    }

    /// Runs one plan (a ``LogicalPlan/sink(_:name:)``, or any node, whose result is then named
    /// `output`).
    public func execute(_ plan: LogicalPlan, store: TableStore? = nil, inputs: [String: [RecordBatch]] = [:],
                        now: Int64, limits: ExecutionLimits = ExecutionLimits()) throws(EngineError) -> QueryResult {
        try execute([plan], store: store, inputs: inputs, now: now, limits: limits)
    }

    /// Runs several plans (one per sink of a script); results come back in the same order.
    ///
    /// - Parameters:
    ///   - store: the tables `scan` nodes read; `nil` when the plans only read `values`/`input`.
    ///   - inputs: batches for ``LogicalPlan/input(name:schema:)`` leaves, by name.
    ///   - now: `px.now()` in nanoseconds since the epoch.
    public func execute(_ plans: [LogicalPlan], store: TableStore? = nil, inputs: [String: [RecordBatch]] = [:],
                        now: Int64, limits: ExecutionLimits = ExecutionLimits()) throws(EngineError) -> QueryResult {
        let start = Self.monotonicNanos()
        let catalog: any Catalog = store ?? StaticCatalog([])
        let binder = Binder(catalog: catalog, functions: functions, aggregates: aggregates)
        // Type-check everything before running anything.
        var names: [String] = []
        for p in plans {
            _ = try binder.schema(of: p)
            if case .sink(_, let name) = p { names.append(name) } else { names.append("output") }
        }
        let run = QueryRun(binder: binder, store: store, inputs: inputs,
                           context: ExecutionContext(now: now, metadata: metadata), limits: limits)
        var tables: [ResultTable] = []
        for (p, name) in zip(plans, names) {
            var batch = try run.materialize(p)
            if let cap = limits.maxOutputRowsPerTable, batch.count > cap { batch = batch.slice(0..<cap) }
            tables.append(ResultTable(name: name, batch: batch))
        }
        var stats = run.stats
        stats.execNanos = Self.monotonicNanos() - start
        return QueryResult(tables: tables, stats: stats)
    }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

import SpriteEngine
import SpriteStore

/// Where export scripts are compiled and run: on one node's store, or (in a cluster) through the
/// aggregator so that every edge's data is exported.
public protocol ExportQueryEngine: Sendable {
    /// The tables scripts can read.
    var catalog: any Catalog { get }
    /// Runs plans (each ending in a sink) and returns one batch per plan, in order.
    func execute(_ plans: [LogicalPlan], now: Int64) async throws -> [RecordBatch]
}

/// Runs export scripts on a local table store.
public struct LocalQueryEngine: ExportQueryEngine {
    public let store: TableStore
    let executor: Executor

    public init(store: TableStore, executor: Executor = Executor()) {
        self.store = store
        self.executor = executor
    }

    public var catalog: any Catalog { store }

    public func execute(_ plans: [LogicalPlan], now: Int64) async throws -> [RecordBatch] {
        try executor.execute(plans, store: store, now: now).tables.map(\.batch)
    }
}

import SpriteEngine
import SpritePxL
import SpriteStore

/// Where export scripts run. In Sprite that is the aggregator (`ClusterExportEngine` of
/// SpriteCluster), so that a run covers every edge; ``LocalQueryEngine`` runs them on one store
/// (tests and benchmarks).
public protocol ExportQueryEngine: Sendable {
    /// The tables scripts can read (scripts are checked against it when a schedule is added).
    var catalog: any Catalog { get }
    /// Runs the `px.export` frames of `script` for the window `start ..< end` and returns one
    /// batch per export, in script order. `compiled` is the script compiled for that window
    /// (``ExportRunner/compile(_:catalog:start:end:)``).
    /// - Throws: when any part of the data could not be read (an edge missing): the window must
    ///   then be run again, never marked as exported.
    func runExports(of compiled: CompiledScript, script: String, start: Int64, end: Int64) async throws -> [RecordBatch]
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

    public func runExports(of compiled: CompiledScript, script: String, start: Int64, end: Int64) async throws -> [RecordBatch] {
        try executor.execute(compiled.exports.map(\.plan), store: store, now: end).tables.map(\.batch)
    }
}

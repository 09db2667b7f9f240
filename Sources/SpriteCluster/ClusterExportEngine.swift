import Logging
import SpriteEngine
import SpriteExport
import SpritePxL
import SpriteStore

/// Runs export scripts through the aggregator, so that a run covers every edge: the script goes
/// to the ``Coordinator`` with the run's window (`px.plugin.start_time`/`end_time`) and `exports`
/// set, edges compile it with that window and run their fragments of the export frames, and the
/// frames come back as result tables. `sprite up` alone takes the coordinator's local path (its own
/// store, no splitting); with edges, the split path.
///
/// A run is strict: when any edge the aggregator knows is unavailable, fails or does not answer in
/// time, or an edge exports covered before has not registered since the aggregator started, the run
/// throws (naming the edges), so the scheduler retries the window instead of marking it exported
/// without that edge's rows. Edges taken out of the cluster for good are forgotten with
/// `DELETE /api/v1/agents/{name}`.
public struct ClusterExportEngine: ExportQueryEngine {
    public let coordinator: Coordinator
    /// Where the edges exports must cover are remembered across restarts; `nil`: only the edges
    /// the registry knows now.
    public let database: ExportDatabase?
    let logger: Logger

    public init(coordinator: Coordinator, database: ExportDatabase?, logger: Logger = Logger(label: "sprite.export")) {
        self.coordinator = coordinator
        self.database = database
        self.logger = logger
    }

    public var catalog: any Catalog { coordinator.registry.catalog }

    public func runExports(of compiled: CompiledScript, script: String, start: Int64, end: Int64) async throws -> [RecordBatch] {
        let snapshot = coordinator.registry.snapshot()
        if let database {
            // Every edge seen now must be in later runs too, even after an aggregator restart.
            for s in snapshot where s.edge.url != "local" {
                try database.rememberEdge(name: s.edge.name, url: s.edge.url, at: end)
            }
            let present = Set(snapshot.map(\.edge.name))
            let absent = try database.knownEdges().filter { !present.contains($0.key) }.sorted { $0.key < $1.key }
            if !absent.isEmpty {
                throw ExportError(.runFailed, "not exported (the window is retried): \(absent.count == 1 ? "edge" : "edges") "
                    + absent.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
                    + " took part in earlier runs but \(absent.count == 1 ? "has" : "have") not registered since the aggregator started;"
                    + " if \(absent.count == 1 ? "it is" : "they are") gone for good, remove \(absent.count == 1 ? "it" : "them") with DELETE /api/v1/agents/NAME")
            }
        }
        let window = ExportRunner.pluginWindow(start: start, end: end)
        let request = QueryRequest(script: script, strict: true, pluginWindow: PluginWindow(start: window.start, end: window.end), exports: true)
        let answer: Coordinator.Answer
        do {
            answer = try await coordinator.run(request, now: end)
        } catch {
            if let agents = error.agents {
                let missing = agents.filter { $0.state != .ok }
                throw ExportError(.runFailed, "not exported (the window is retried): \(Coordinator.describe(missing))")
            }
            throw ExportError(.runFailed, "the export query failed: \(error.message)")
        }
        return answer.tables.map(\.batch)
    }
}

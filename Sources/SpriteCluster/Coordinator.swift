import Dispatch
import Foundation
import Logging
import NIOCore
import SpriteEngine
import SpritePxL
import SpriteStore

/// The aggregator: compiles a script, splits its plans, runs the edge fragments on every
/// available edge at once, and the final plans over what came back.
public struct Coordinator: Sendable {
    public let registry: EdgeRegistry
    public let client: ClusterClient
    public let metrics: ClusterMetrics
    let executor: Executor
    let logger: Logger
    /// Deadline of a query that does not set one, and the longest one a query may set.
    public var defaultTimeout: Duration = .seconds(30)
    public var maxTimeout: Duration = .seconds(600)

    public init(registry: EdgeRegistry, client: ClusterClient, metrics: ClusterMetrics = ClusterMetrics(),
                executor: Executor = Executor(), logger: Logger = Logger(label: "sprite.aggregator")) {
        self.registry = registry
        self.client = client
        self.metrics = metrics
        self.executor = executor
        self.logger = logger
    }

    /// What happened on one edge during a query.
    public struct AgentStatus: Sendable, Hashable {
        public enum State: String, Sendable { case ok, unavailable, error }
        public var name: String
        public var url: String
        public var state: State
        public var message: String
    }

    /// The answer to a query through the cluster.
    public struct Answer: Sendable {
        public var tables: [ResultTable]
        public var agents: [AgentStatus]
        public var compileNanos: Int64
        public var execNanos: Int64
        /// Rows and bytes the edges (and the final plans) read.
        public var rowsProcessed: Int
        public var bytesProcessed: Int
        /// Bytes received from edges (the encoded batch streams).
        public var bytesFromEdges: Int
    }

    /// What one edge returned.
    struct EdgeResult: Sendable {
        var batches: [[RecordBatch]]
        var stats: EdgeStats
        var bytes: Int
    }

    /// Runs `request` on the cluster.
    /// - Parameter now: `px.now()` of the query, default the current time (an export run passes
    ///   its window's end).
    /// - Throws: ``ClusterError``: `.compile` (with line and column), `.execution`, `.timeout`,
    ///   `.cancelled`, or `.incomplete` when `strict` and an edge is missing (the message lists them).
    public func run(_ request: QueryRequest, partialAggregation: Bool = true, now: Int64? = nil) async throws(ClusterError) -> Answer {
        let requestedNow = now
        let now = now ?? Int64(Date().timeIntervalSince1970 * 1e9)
        let timeout = request.timeout.map { Duration.milliseconds(Int64(min(max(0.001, $0), 3600) * 1000)) }.map { min($0, maxTimeout) } ?? defaultTimeout
        let snapshot = registry.snapshot()
        if snapshot.count == 1, case .local(let service) = snapshot[0].edge.endpoint {
            // One node holding all the data (`sprite up` alone): no splitting needed.
            let answer = try await Self.offload { () -> Result<QueryService.Answer, ClusterError> in
                Result { () throws(ClusterError) -> QueryService.Answer in try service.run(request, now: requestedNow) }
            }.get()
            return Answer(tables: answer.tables, agents: [AgentStatus(name: snapshot[0].edge.name, url: "local", state: .ok, message: "")],
                          compileNanos: answer.compileNanos, execNanos: answer.execNanos, rowsProcessed: answer.rowsProcessed,
                          bytesProcessed: answer.bytesProcessed, bytesFromEdges: 0)
        }
        let compileStart = QueryService.monotonicNanos()
        let catalog = registry.catalog
        let planResult = await Self.offload { () -> Result<DistributedPlan, ClusterError> in
            Result { () throws(ClusterError) -> DistributedPlan in
                try QueryService.distributedPlan(script: request.script, function: request.function, args: request.args,
                                                 now: now, partialAggregation: partialAggregation, pluginWindow: request.pluginWindow,
                                                 exports: request.exports ?? false, catalog: catalog)
            }
        }
        let plan = try planResult.get()
        let compileNanos = QueryService.monotonicNanos() - compileStart

        var agents: [AgentStatus] = []
        var targets: [EdgeRegistry.Edge] = []
        for s in snapshot {
            if s.isAvailable { targets.append(s.edge) } else {
                agents.append(AgentStatus(name: s.edge.name, url: s.edge.url, state: .unavailable, message: s.reason ?? "unavailable"))
            }
        }
        if request.strict == true, !agents.isEmpty {
            var e = ClusterError(.incomplete, "strict query: \(Self.describe(agents))")
            e.agents = agents
            throw e
        }

        let execStart = QueryService.monotonicNanos()
        let fragmentRequest = FragmentRequest(script: request.script, function: request.function, args: request.args, now: now,
                                              partialAggregation: partialAggregation, fragments: plan.fragments.map(\.schema),
                                              pluginWindow: request.pluginWindow, exports: request.exports ?? false)
        let results = await withTaskGroup(of: (EdgeRegistry.Edge, Result<EdgeResult, ClusterError>).self) { group in
            for edge in targets {
                group.addTask {
                    (edge, await self.fetch(edge, plan: plan, request: fragmentRequest, timeout: timeout))
                }
            }
            var out: [(EdgeRegistry.Edge, Result<EdgeResult, ClusterError>)] = []
            for await r in group { out.append(r) }
            return out
        }
        if Task.isCancelled { throw ClusterError(.cancelled, "the query was cancelled: the client went away") }

        var inputs: [String: [RecordBatch]] = [:]
        for f in plan.fragments { inputs[f.id] = [] }
        var rows = 0, bytes = 0, fromEdges = 0
        for (edge, result) in results.sorted(by: { $0.0.name < $1.0.name }) {
            switch result {
            case .success(let r):
                for (i, f) in plan.fragments.enumerated() { inputs[f.id, default: []].append(contentsOf: r.batches[i]) }
                rows += r.stats.rowsProcessed
                bytes += r.stats.bytesProcessed
                fromEdges += r.bytes
                agents.append(AgentStatus(name: edge.name, url: edge.url, state: .ok, message: ""))
            case .failure(let e):
                let unreachable = e.code == .unavailable
                if unreachable { registry.markFailed(edge.name, e.message) }
                agents.append(AgentStatus(name: edge.name, url: edge.url, state: unreachable ? .unavailable : .error, message: e.message))
            }
        }
        agents.sort { $0.name < $1.name }
        let missing = agents.filter { $0.state != .ok }
        if request.strict == true, !missing.isEmpty {
            var e = ClusterError(.incomplete, "strict query: \(Self.describe(missing))")
            e.agents = agents
            throw e
        }
        metrics.recordEdgeBytes(fromEdges)

        let executor = self.executor
        let finalInputs = inputs
        let final = await Self.offload { () -> Result<QueryResult, ClusterError> in
            do throws(EngineError) {
                return .success(try executor.execute(plan.finalPlans, inputs: finalInputs, now: now))
            } catch {
                return .failure(ClusterError(.execution, error.message))
            }
        }
        let result = try final.get()
        return Answer(tables: result.tables, agents: agents, compileNanos: compileNanos,
                      execNanos: QueryService.monotonicNanos() - execStart, rowsProcessed: rows,
                      bytesProcessed: bytes, bytesFromEdges: fromEdges)
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, a) = d.components
        return Double(s) + Double(a) / 1e18
    }

    static func describe(_ agents: [AgentStatus]) -> String {
        "\(agents.count) edge\(agents.count == 1 ? "" : "s") did not answer: " +
            agents.map { "\($0.name) (\($0.url)): \($0.state.rawValue), \($0.message)" }.joined(separator: "; ")
    }

    /// Runs the fragments on one edge.
    func fetch(_ edge: EdgeRegistry.Edge, plan: DistributedPlan, request: FragmentRequest, timeout: Duration) async -> Result<EdgeResult, ClusterError> {
        switch edge.endpoint {
        case .local(let service):
            return await Self.offload {
                Result { () throws(ClusterError) -> EdgeResult in
                    let (batches, stats) = try service.runFragments(plan.fragments, now: request.now)
                    return EdgeResult(batches: batches.map { [$0] }, stats: stats, bytes: 0)
                }
            }
        case .remote(let url):
            do {
                return .success(try await withDeadline(timeout) {
                    try await self.fetchRemote(url, request: request, timeout: timeout)
                })
            } catch let e as ClusterError {
                return .failure(e)
            } catch {
                if Task.isCancelled { return .failure(ClusterError(.cancelled, "cancelled")) }
                return .failure(ClusterError(.unavailable, ClusterClient.describe(error)))
            }
        }
    }

    func fetchRemote(_ url: String, request: FragmentRequest, timeout: Duration) async throws -> EdgeResult {
        let body = Array(try JSONEncoder().encode(request))
        let response: HTTPClientResponseBox
        do {
            response = HTTPClientResponseBox(try await client.http.execute(
                client.request(url, "/api/v1/internal/fragments", method: .POST, json: body), deadline: .now() + TimeAmount(timeout)))
        } catch let e as HTTPClientError where e == .deadlineExceeded {
            throw ClusterError(.timeout, "no complete answer within \(Self.seconds(timeout))s")
        } catch {
            // Nothing was answered: the edge is down or unreachable.
            throw ClusterError(.unavailable, ClusterClient.describe(error))
        }
        let status = Int(response.value.status.code)
        guard status == 200 else {
            let errorBody = try await response.value.body.collect(upTo: 1 << 20)
            throw ClusterError(.execution, ClusterClient.errorMessage(status: status, Array(errorBody.readableBytesView)))
        }
        var reader = FragmentStreamReader(expected: request.fragments)
        for try await chunk in response.value.body {
            try reader.feed(chunk.readableBytesView)
        }
        guard let stats = reader.stats else {
            throw ClusterError(.transport, "the edge's answer ended before its end frame (\(reader.bytesReceived) bytes)")
        }
        return EdgeResult(batches: reader.batches, stats: stats, bytes: reader.bytesReceived)
    }

    /// Runs CPU-bound work off the cooperative thread pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}

import AsyncHTTPClient

/// Holds a response across `await`s.
struct HTTPClientResponseBox: @unchecked Sendable {
    let value: HTTPClientResponse
    init(_ value: HTTPClientResponse) { self.value = value }
}

/// Runs `work`, throwing ``ClusterError`` `.timeout` (and cancelling `work`) after `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw ClusterError(.timeout, "no complete answer within \(Coordinator.seconds(limit))s")
        }
        return value
    }
}

import Foundation
import Hummingbird
import NIOCore
import SpriteEngine
import SpriteExport
import SpriteStore

/// An edge's registration and heartbeat (`POST /api/v1/agents`).
public struct AgentRegistration: Codable, Sendable {
    /// The node name, unique in the cluster.
    public var name: String
    /// The base URL the aggregator reaches the edge at.
    public var url: String
    /// The edge's tables.
    public var schemas: [Schema]

    public init(name: String, url: String, schemas: [Schema]) {
        self.name = name
        self.url = url
        self.schemas = schemas
    }
}

extension APIServer {
    func addBrokerRoutes(_ router: Router<SpriteRequestContext>, _ coordinator: Coordinator) {
        let configuration = self.configuration, metrics = self.metrics, logger = self.logger
        let exportDatabase = exports?.database
        router.post("/api/v1/query") { request, context -> Response in
            guard metrics.enter(limit: configuration.maxConcurrentQueries) else {
                metrics.recordQuery(outcome: ClusterError.Code.busy.rawValue, seconds: 0, rows: 0)
                return Self.json(.tooManyRequests, ClusterError(.busy, "\(configuration.maxConcurrentQueries) queries run already; retry later").json())
            }
            defer { metrics.leave() }
            let started = QueryService.monotonicNanos()
            let limit = configuration.maxQueryBytes
            // The query runs cancelled (with every edge request) as soon as the client's side of
            // the connection closes.
            let result: Result<Coordinator.Answer, ClusterError>
            do {
                result = try await request.body.consumeWithCancellationOnInboundClose { body in
                    let bytes = try? await body.collect(upTo: limit)
                    let query: QueryRequest
                    switch Self.decodeQuery(bytes.map { Array($0.readableBytesView) }, limit: limit) {
                    case .success(let q): query = q
                    case .failure(let e): return .failure(e)
                    }
                    do throws(ClusterError) {
                        let answer = try await coordinator.run(query, partialAggregation: query.partialAggregation ?? true)
                        if Task.isCancelled { throw ClusterError(.cancelled, "the client went away") }
                        return .success(answer)
                    } catch {
                        return .failure(error)
                    }
                }
            } catch {
                result = .failure(ClusterError(.cancelled, "the client went away"))
            }
            let seconds = Double(QueryService.monotonicNanos() - started) / 1e9
            let answer: Coordinator.Answer
            switch result {
            case .success(let a): answer = a
            case .failure(let error):
                metrics.recordQuery(outcome: error.code.rawValue, seconds: seconds, rows: 0)
                logger.debug("query failed", metadata: ["error": "\(error.message)"])
                return Self.json(Self.status(for: error), error.json())
            }
            metrics.recordQuery(outcome: "ok", seconds: seconds, rows: answer.tables.reduce(0) { $0 + $1.batch.count })
            let accept = request.headers[.accept] ?? ""
            guard accept.contains("application/x-ndjson") else { return Self.json(.ok, answer.json()) }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: ResponseBody { writer in
                try await answer.ndjson { chunk in try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
        }
        router.get("/api/v1/agents") { _, _ in
            var w = JSONWriter()
            w.raw("{\"agents\":[")
            let now = EdgeRegistry.monotonicNanos()
            for (i, s) in coordinator.registry.snapshot().enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"name\":"); w.string(s.edge.name)
                w.raw(",\"url\":"); w.string(s.edge.url)
                w.raw(",\"status\":"); w.string(s.isAvailable ? "ok" : "unavailable")
                w.raw(",\"message\":"); w.string(s.reason ?? "")
                w.raw(",\"kind\":"); w.string(s.edge.url == "local" ? "local" : s.edge.isStatic ? "static" : "registered")
                w.raw(",\"last_seen_seconds_ago\":")
                if let seen = s.edge.lastSeen { w.double(Double((now - seen) / 1_000_000) / 1000) } else { w.raw("null") }
                w.raw(",\"tables\":"); w.int(Int64(s.edge.url == "local" ? coordinator.registry.catalog.tableNames.count : s.edge.schemas.count))
                w.byte(UInt8(ascii: "}"))
            }
            w.raw("]}")
            return Self.json(.ok, w.bytes)
        }
        router.post("/api/v1/agents") { request, _ -> Response in
            guard let body = await Self.body(request, limit: 4 << 20) else {
                return Self.json(.contentTooLarge, ClusterError(.tooLarge, "the registration is larger than 4 MiB").json())
            }
            let registration: AgentRegistration
            do { registration = try JSONDecoder().decode(AgentRegistration.self, from: Data(body)) } catch {
                return Self.json(.badRequest, ClusterError(.badRequest, "the body is not a registration {\"name\", \"url\", \"schemas\"}: \(Self.describe(error))").json())
            }
            guard !registration.name.isEmpty, let url = URL(string: registration.url), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                return Self.json(.badRequest, ClusterError(.badRequest, "a registration needs a name and an http(s) URL, got '\(registration.url)'").json())
            }
            let known = coordinator.registry.snapshot().contains { $0.edge.name == registration.name && $0.isAvailable }
            coordinator.registry.register(name: registration.name, url: registration.url, schemas: registration.schemas)
            if !known {
                logger.notice("edge \(registration.name) joined from \(registration.url)")
                // From now on, export runs wait for this edge (also after a restart of this process).
                do throws(ExportError) { try exportDatabase?.rememberEdge(name: registration.name, url: registration.url, at: ExportScheduler.realtimeNanos()) } catch {
                    logger.error("cannot record the edge for exports", metadata: ["edge": "\(registration.name)", "error": "\(error.message)"])
                }
            }
            let timeout = coordinator.registry.heartbeatTimeoutNanos / 1_000_000_000
            return Self.json(.ok, Array("{\"status\":\"ok\",\"heartbeat_timeout_seconds\":\(timeout)}".utf8))
        }
        router.delete("/api/v1/agents/{name}") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            if coordinator.registry.snapshot().contains(where: { $0.edge.name == name && $0.edge.url == "local" }) {
                return Self.json(.badRequest, ClusterError(.badRequest, "'\(name)' is this process's own store; it cannot be removed").json())
            }
            let removed = coordinator.registry.remove(name)
            var forgotten = false
            do throws(ExportError) { forgotten = try exportDatabase?.forgetEdge(name) ?? false } catch {
                return Self.json(.internalServerError, ClusterError(.execution, error.message).json())
            }
            guard removed || forgotten else {
                return Self.json(.notFound, ClusterError(.notFound, "no edge named '\(name)'; see GET /api/v1/agents").json())
            }
            logger.notice("edge \(name) removed")
            return Self.json(.ok, Array("{\"removed\":\"\(name)\"}".utf8))
        }
        router.get("/api/v1/schemas") { _, _ in
            let catalog = coordinator.registry.catalog
            return Self.json(.ok, Self.schemasJSON(catalog.tableNames.compactMap { catalog.schema(ofTable: $0) }))
        }
        router.get("/api/v1/tables") { _, _ in
            let (infos, agents) = await Self.clusterTables(coordinator)
            var bytes = Self.tablesJSON(infos)
            bytes.removeLast()
            var w = JSONWriter()
            w.append(bytes)
            w.raw(",\"agents\":")
            Coordinator.write(agents, into: &w)
            w.raw("}")
            return Self.json(.ok, w.bytes)
        }
    }

    /// The tables of every available edge, summed by name, with the edges' status.
    static func clusterTables(_ coordinator: Coordinator) async -> ([(TableSummary, Int?)], [Coordinator.AgentStatus]) {
        struct Listing: Decodable { var tables: [TableSummary] }
        let snapshot = coordinator.registry.snapshot()
        var agents: [Coordinator.AgentStatus] = []
        let answers = await withTaskGroup(of: (EdgeRegistry.Edge, Result<[TableSummary], ClusterError>).self) { group in
            for s in snapshot {
                guard s.isAvailable else {
                    agents.append(.init(name: s.edge.name, url: s.edge.url, state: .unavailable, message: s.reason ?? ""))
                    continue
                }
                group.addTask {
                    switch s.edge.endpoint {
                    case .local(let service):
                        return (s.edge, .success(service.store.tableInfos.map(TableSummary.init)))
                    case .remote(let url):
                        do {
                            let (status, body) = try await coordinator.client.send(coordinator.client.request(url, "/api/v1/tables"), timeout: .seconds(5))
                            guard status == 200 else { return (s.edge, .failure(ClusterError(.execution, ClusterClient.errorMessage(status: status, body)))) }
                            let listing = try JSONDecoder().decode(Listing.self, from: Data(body))
                            return (s.edge, .success(listing.tables))
                        } catch {
                            return (s.edge, .failure(ClusterError(.unavailable, ClusterClient.describe(error))))
                        }
                    }
                }
            }
            var out: [(EdgeRegistry.Edge, Result<[TableSummary], ClusterError>)] = []
            for await r in group { out.append(r) }
            return out
        }
        var merged: [String: (TableSummary, Int)] = [:]
        for (edge, result) in answers {
            switch result {
            case .success(let infos):
                agents.append(.init(name: edge.name, url: edge.url, state: .ok, message: ""))
                for t in infos {
                    guard var entry = merged[t.name] else { merged[t.name] = (t, 1); continue }
                    entry.0.add(t)
                    entry.1 += 1
                    merged[t.name] = entry
                }
            case .failure(let e):
                agents.append(.init(name: edge.name, url: edge.url, state: e.code == .unavailable ? .unavailable : .error, message: e.message))
            }
        }
        agents.sort { $0.name < $1.name }
        return (merged.keys.sorted().map { (merged[$0]!.0, merged[$0]!.1) }, agents)
    }
}

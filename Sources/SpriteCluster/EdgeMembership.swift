import Foundation
import Logging
import NIOHTTP1
import SpriteStore

/// An edge's membership in a cluster: registers with the aggregator and keeps sending heartbeats
/// (each one a registration, so an aggregator that restarts learns of the edge again).
public struct EdgeJoiner: Sendable {
    public let aggregator: String
    public let name: String
    /// The URL the aggregator reaches this edge at.
    public let url: String
    public let store: TableStore
    public let client: ClusterClient
    public var interval: Duration
    let logger: Logger

    public init(aggregator: String, name: String, url: String, store: TableStore, client: ClusterClient,
                interval: Duration = .seconds(5), logger: Logger = Logger(label: "sprite.edge")) {
        self.aggregator = aggregator
        self.name = name
        self.url = url
        self.store = store
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Sends heartbeats until cancelled.
    public func run() async {
        var joined = false, warned = false
        while !Task.isCancelled {
            let schemas = store.tableNames.compactMap { store.table(named: $0)?.schema }
            do {
                let body = Array(try JSONEncoder().encode(AgentRegistration(name: name, url: url, schemas: schemas)))
                let (status, answer) = try await client.send(client.request(aggregator, "/api/v1/agents", method: .POST, json: body), timeout: .seconds(5))
                if status == 200 {
                    if !joined { logger.notice("joined the aggregator at \(aggregator) as \(name) (\(url))") }
                    joined = true
                    warned = false
                } else {
                    if !warned { logger.warning("the aggregator at \(aggregator) refused the heartbeat: \(ClusterClient.errorMessage(status: status, answer))") }
                    joined = false
                    warned = true
                }
            } catch {
                if !warned && !Task.isCancelled {
                    logger.warning("cannot reach the aggregator at \(aggregator): \(ClusterClient.describe(error)); retrying every \(interval)")
                }
                joined = false
                warned = true
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Polls the edges given to the aggregator on its command line (`--edges`): an edge that answers
/// `GET /api/v1/schemas` is available, with those tables.
public struct StaticEdgePoller: Sendable {
    public let registry: EdgeRegistry
    public let client: ClusterClient
    public var interval: Duration

    public init(registry: EdgeRegistry, client: ClusterClient, interval: Duration = .seconds(5)) {
        self.registry = registry
        self.client = client
        self.interval = interval
    }

    struct Listing: Decodable {
        struct Table: Decodable {
            struct Column: Decodable { var name: String; var type: String; var semantic_type: String; var description: String? }
            var name: String
            var columns: [Column]
        }
        var tables: [Table]

        var schemas: [Schema] {
            tables.map { t in
                Schema(name: t.name, fields: t.columns.map {
                    Field($0.name, DataType(rawValue: $0.type) ?? .string, SemanticType(rawValue: $0.semantic_type) ?? .none,
                          description: $0.description ?? "")
                })
            }
        }
    }

    /// Polls until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await pollOnce()
            try? await Task.sleep(for: interval)
        }
    }

    public func pollOnce() async {
        let edges = registry.snapshot().map(\.edge).filter(\.isStatic)
        await withTaskGroup(of: Void.self) { group in
            for edge in edges {
                guard case .remote(let url) = edge.endpoint else { continue }
                group.addTask {
                    do {
                        let (status, body) = try await client.send(client.request(url, "/api/v1/schemas"), timeout: .seconds(3))
                        guard status == 200 else {
                            registry.markFailed(edge.name, ClusterClient.errorMessage(status: status, body))
                            return
                        }
                        let listing = try JSONDecoder().decode(Listing.self, from: Data(body))
                        registry.markSeen(edge.name, schemas: listing.schemas)
                    } catch {
                        registry.markFailed(edge.name, ClusterClient.describe(error))
                    }
                }
            }
        }
    }
}

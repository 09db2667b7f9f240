import ArgumentParser
import Foundation
import Logging
import SpriteCluster
import SpriteCollector
import SpriteExport
import SpriteStore

/// `sprite up`: the all-in-one single node.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run Sprite on this node: eBPF collector, table store, aggregator and query API in one process.",
        discussion: "Needs root (or CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE) for the collector; --no-collector runs without it. Edges may join it (sprite edge --join).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var peer: PeerOptions

    @Option(name: .long, help: "This node's name among the cluster's agents (default: the host name).")
    var name: String?

    @Option(name: .long, help: "Edges that have not sent a heartbeat for this long are unavailable, e.g. 15s.")
    var heartbeatTimeout: String = "15s"

    func run() async throws {
        let timeout = try parseDuration(heartbeatTimeout, flag: "--heartbeat-timeout")
        try await NodeRunner(server: server, node: node, peer: peer, role: "up", name: name ?? ProcessInfo.processInfo.hostName,
                             join: nil, advertise: nil, heartbeat: .seconds(5), heartbeatTimeout: timeout).run()
    }
}

/// `sprite edge`: one node of a cluster.
struct EdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "Run an edge: collector, table store and the node API; with --join, register with an aggregator.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var peer: PeerOptions

    @Option(name: .long, help: "The aggregator to register with, e.g. http://10.0.0.1:7080.")
    var join: String?

    @Option(name: .long, help: "This edge's name in the cluster (default: the host name).")
    var name: String?

    @Option(name: .long, help: "The URL the aggregator reaches this edge at (default: from --listen).")
    var advertise: String?

    @Option(name: .long, help: "How often to send a heartbeat to the aggregator, e.g. 5s.")
    var heartbeat: String = "5s"

    func run() async throws {
        let interval = try parseDuration(heartbeat, flag: "--heartbeat")
        if let join {
            guard let u = URL(string: join), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                throw ValidationError("--join '\(join)' is not an aggregator URL, e.g. http://10.0.0.1:7080")
            }
        }
        try await NodeRunner(server: server, node: node, peer: peer, role: "edge", name: name ?? ProcessInfo.processInfo.hostName,
                             join: join, advertise: advertise, heartbeat: interval, heartbeatTimeout: .seconds(15)).run()
    }
}

func parseDuration(_ text: String, flag: String) throws -> Duration {
    guard let ns = Durations.parse(text), ns > 0 else { throw ValidationError("\(flag) '\(text)' is not a duration, e.g. 5s") }
    return .nanoseconds(ns)
}

/// Starts the store, the collector and the API (and the aggregator for `up`, the heartbeats for
/// `edge --join`), and stops them together.
struct NodeRunner {
    let server: ServerOptions
    let node: NodeOptions
    let peer: PeerOptions
    let role: String
    let name: String
    let join: String?
    let advertise: String?
    let heartbeat: Duration
    let heartbeatTimeout: Duration

    func run() async throws {
        server.bootstrapLogging()
        let logger = Logger(label: "sprite")
        let config = try server.configuration(logger: logger)
        let store = TableStore(configuration: try node.storeConfiguration(), logger: Logger(label: "sprite.store"))
        let collectorConfiguration = try node.collectorConfiguration()
        let collector: Collector?
        if node.noCollector {
            collector = nil
        } else {
            do {
                collector = try Collector(store: store, configuration: collectorConfiguration, logger: Logger(label: "sprite.collector"))
            } catch {
                throw failure("""
                    sprite: the eBPF collector cannot start: \(error.message)
                    To run Sprite without tracing (query and load only), add --no-collector.
                    """)
            }
        }
        let service = QueryService(store: store)
        let client = try peer.client()
        var coordinator: Coordinator?
        var exports: ExportScheduler?
        if role == "up" {
            let registry = EdgeRegistry(heartbeatTimeout: heartbeatTimeout)
            registry.addLocal(name: name, service: service)
            let broker = Coordinator(registry: registry, client: client)
            coordinator = broker
            // Export schedules run where the broker is, through it: on this store and every edge
            // that joined.
            exports = try makeExportScheduler(coordinator: broker, dataDirectory: try node.dataDirectory())
        }
        let api = APIServer(configuration: config, edge: service, broker: coordinator, exports: exports)
        let tracing = collector == nil ? "off" : "on"
        let retention = store.configuration.retentionWindow.map { "\($0 / 3_600_000_000_000)h" } ?? "off"
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = self.server
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await api.run { port in
                        logger.notice("sprite \(role): listening on \(server.url(host: config.host, port: port)) (collector: \(tracing), retention: \(retention), memory budget: \(store.configuration.totalBytes >> 20) MiB, auth: \(config.tokens.isEmpty ? "none" : "bearer tokens"))")
                        boundContinuation.yield(port)
                        boundContinuation.finish()
                    }
                }
                group.addTask { await store.runMaintenance() }
                if let exports { group.addTask { await exports.run() } }
                if let running = collector {
                    group.addTask { try await running.run() }
                }
                if let join {
                    let advertise = self.advertise
                    let name = self.name, heartbeat = self.heartbeat
                    group.addTask {
                        var port = 0
                        for await p in bound { port = p }
                        let host = ["0.0.0.0", "::"].contains(config.host) ? ProcessInfo.processInfo.hostName : config.host
                        let url = advertise ?? server.url(host: host, port: port)
                        await EdgeJoiner(aggregator: join, name: name, url: url, store: store, client: client, interval: heartbeat).run()
                    }
                }
                // The server returns on SIGINT/SIGTERM; the collector fails only on a fatal error.
                do {
                    try await group.next()
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        logger.notice("sprite \(role): stopped")
    }
}

/// The export scheduler of a broker (`up`, `aggregator`): schedules in `exports.sqlite` in the
/// data directory, runs through the coordinator.
func makeExportScheduler(coordinator: Coordinator, dataDirectory: String) throws -> ExportScheduler {
    let path = dataDirectory + "/exports.sqlite"
    do {
        let database = try ExportDatabase(path: path)
        let engine = ClusterExportEngine(coordinator: coordinator, database: database)
        return ExportScheduler(database: database, runner: ExportRunner(engine: engine), logger: Logger(label: "sprite.export"))
    } catch {
        throw failure("sprite: \(error.message)")
    }
}

/// Prints `message` to standard error and returns the exit code to throw (status 1), so that
/// messages reach the user exactly as written (compile errors carry their own caret display).
func failure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    return ExitCode.failure
}

import ArgumentParser
import Foundation
import Logging
import SpriteCluster
import SpriteExport

/// `sprite aggregator`: the aggregator and broker API of a cluster.
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregator",
        abstract: "Run the aggregator: edges register with it, it splits scripts across them and serves the broker API.",
        discussion: """
            Edges join with `sprite edge --join http://THIS:PORT`, or are listed here with --edges.
            Clients use the broker API: sprite run --server http://THIS:PORT -f script.pxl
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var peer: PeerOptions

    @Option(name: .long, parsing: .singleValue, help: "A static edge as NAME=URL or URL (repeatable, or comma-separated).")
    var edges: [String] = []

    @Option(name: .long, help: "Edges not heard from for this long are unavailable, e.g. 15s.")
    var heartbeatTimeout: String = "15s"

    @Option(name: .long, help: "Default query deadline, e.g. 30s (a query's \"timeout\" overrides it).")
    var queryTimeout: String = "30s"

    @Option(name: .long, help: SpriteDataDirectory.help)
    var dataDir: String?

    func run() async throws {
        server.bootstrapLogging()
        let logger = Logger(label: "sprite")
        let config = try server.configuration(logger: logger)
        let timeout = try parseDuration(heartbeatTimeout, flag: "--heartbeat-timeout")
        let registry = EdgeRegistry(heartbeatTimeout: timeout)
        for entry in edges.flatMap({ $0.split(separator: ",").map(String.init) }) {
            let (name, url): (String, String)
            if let eq = entry.firstIndex(of: "="), !entry[..<eq].contains(":") {
                (name, url) = (String(entry[..<eq]), String(entry[entry.index(after: eq)...]))
            } else {
                (name, url) = (URL(string: entry)?.host.map { "\($0):\(URL(string: entry)?.port ?? 80)" } ?? entry, entry)
            }
            guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                throw ValidationError("--edges '\(entry)': expected NAME=URL or URL, e.g. edge1=http://10.0.0.2:7080")
            }
            registry.addStatic(name: name, url: url)
        }
        let client = try peer.client()
        var coordinator = Coordinator(registry: registry, client: client)
        coordinator.defaultTimeout = try parseDuration(queryTimeout, flag: "--query-timeout")
        // Scheduled exports run here, through the coordinator, so they cover every edge.
        let exports = try makeExportScheduler(coordinator: coordinator, dataDirectory: try SpriteDataDirectory.resolve(dataDir))
        let api = APIServer(configuration: config, edge: nil, broker: coordinator, exports: exports)
        let poller = StaticEdgePoller(registry: registry, client: client, interval: min(.seconds(5), timeout / 3))
        let server = self.server
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await api.run { port in
                        logger.notice("sprite aggregator: listening on \(server.url(host: config.host, port: port)) (static edges: \(registry.snapshot().count), heartbeat timeout: \(timeout), auth: \(config.tokens.isEmpty ? "none" : "bearer tokens"))")
                    }
                }
                group.addTask { await poller.run() }
                group.addTask { await exports.run() }
                do { try await group.next() } catch {
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
        logger.notice("sprite aggregator: stopped")
    }
}

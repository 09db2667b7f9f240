import ArgumentParser
import Foundation
import Logging
import SpriteCluster
import SpriteCollector
import SpriteStore

/// `sprite up`: the all-in-one single node.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run Sprite on this node: eBPF collector, table store and query API in one process.",
        discussion: "Needs root (or CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE) for the collector; --no-collector runs without it.")

    @OptionGroup var node: NodeOptions

    func run() async throws {
        try await NodeRunner(options: node, role: "up").run()
    }
}

/// `sprite edge`: one node of a cluster (today: the same as `up`).
struct EdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "Run an edge: collector, table store and the node query API.")

    @OptionGroup var node: NodeOptions

    func run() async throws {
        try await NodeRunner(options: node, role: "edge").run()
    }
}

/// Starts the store, the collector and the API, and stops them together.
struct NodeRunner {
    let options: NodeOptions
    let role: String

    func run() async throws {
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "sprite")
        let (host, port) = try options.hostAndPort()
        let store = TableStore(configuration: try options.storeConfiguration(), logger: Logger(label: "sprite.store"))
        let collector: Collector?
        if options.noCollector {
            collector = nil
        } else {
            do {
                collector = try Collector(store: store, logger: Logger(label: "sprite.collector"))
            } catch {
                throw failure("""
                    sprite: the eBPF collector cannot start: \(error.message)
                    To run Sprite without tracing (query and load only), add --no-collector.
                    """)
            }
        }
        let server = NodeServer(host: host, port: port, service: QueryService(store: store))
        let tracing = collector == nil ? "off" : "on"
        let retention = store.configuration.retentionWindow.map { "\($0 / 3_600_000_000_000)h" } ?? "off"
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { bound in
                    logger.notice("sprite \(role): listening on http://\(host.contains(":") ? "[\(host)]" : host):\(bound) (collector: \(tracing), retention: \(retention), memory budget: \(store.configuration.totalBytes >> 20) MiB)")
                }
            }
            group.addTask { await store.runMaintenance() }
            if let running = collector {
                group.addTask { try await running.run() }
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
        logger.notice("sprite \(role): stopped")
    }
}

/// Prints `message` to standard error and returns the exit code to throw (status 1), so that
/// messages reach the user exactly as written (compile errors carry their own caret display).
func failure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    return ExitCode.failure
}

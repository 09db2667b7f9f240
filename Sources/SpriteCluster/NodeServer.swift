import Logging

/// The HTTP API of one node on its own: queries, table listings and CSV loading, without a
/// broker (see ``APIServer`` for the routes).
public struct NodeServer: Sendable {
    /// Where to listen.
    public var host: String
    public var port: Int
    public let service: QueryService
    let logger: Logger
    /// Largest query body accepted.
    public var maxQueryBytes = 8 << 20
    /// Largest CSV upload accepted.
    public var maxLoadBytes = 4 << 30
    /// Accepted bearer tokens (none: no authentication).
    public var tokens = AccessTokens([])

    public init(host: String, port: Int, service: QueryService, logger: Logger = Logger(label: "sprite.api")) {
        self.host = host
        self.port = port
        self.service = service
        self.logger = logger
    }

    /// Serves until the task is cancelled or the process receives SIGINT/SIGTERM.
    /// - Parameter onStarted: called with the bound port once the server listens.
    public func run(onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var configuration = APIServer.Configuration(host: host, port: port, tokens: tokens)
        configuration.maxQueryBytes = maxQueryBytes
        configuration.maxLoadBytes = maxLoadBytes
        try await APIServer(configuration: configuration, edge: service, broker: nil, logger: logger).run(onStarted: onStarted)
    }
}

import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import SpriteEngine
import SpriteExport
import SpriteStore

/// Sprite's HTTP server (Hummingbird 2): the edge routes of a node's store, the broker routes of
/// an aggregator, or both in one process (`sprite up`).
///
/// Edge routes: `POST /api/v1/internal/fragments` (the aggregator's fragment runs, answered as a
/// ``FragmentStream``), `POST /api/v1/tables/{table}/csv`, and, without a broker,
/// `POST /api/v1/query`, `GET /api/v1/tables`, `GET /api/v1/schemas`.
/// Broker routes: `POST /api/v1/query`, `GET /api/v1/tables`, `GET /api/v1/schemas`,
/// `GET /api/v1/agents`, `POST /api/v1/agents` (edge registration and heartbeat).
/// Always: `GET /healthz`, `GET /metrics`. Every route but `/healthz` needs a bearer token when
/// tokens are configured.
public struct APIServer: Sendable {
    /// Where and how to serve.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var tokens: AccessTokens
        /// PEM certificate chain and private key for HTTPS; `nil`: plain HTTP.
        public var tls: (certificate: String, key: String)?
        /// Largest query body accepted.
        public var maxQueryBytes = 8 << 20
        /// Largest CSV upload accepted.
        public var maxLoadBytes = 4 << 30
        /// Queries (and fragment runs) at once; more are refused with 429.
        public var maxConcurrentQueries = 16
        /// Fault injection for tests: an edge waits this long between running its fragments and
        /// sending them.
        public var fragmentDelay: Duration?

        public init(host: String, port: Int, tokens: AccessTokens = AccessTokens([]), tls: (certificate: String, key: String)? = nil) {
            self.host = host
            self.port = port
            self.tokens = tokens
            self.tls = tls
        }
    }

    public var configuration: Configuration
    /// The node's store, when this process is an edge.
    public let edge: QueryService?
    /// The aggregator, when this process serves the broker API.
    public let broker: Coordinator?
    /// Export schedules served under `/api/v1/exports`, when this process runs them.
    public let exports: ExportScheduler?
    public let metrics: ClusterMetrics
    let logger: Logger

    public init(configuration: Configuration, edge: QueryService?, broker: Coordinator?, exports: ExportScheduler? = nil,
                metrics: ClusterMetrics? = nil, logger: Logger = Logger(label: "sprite.api")) {
        self.exports = exports
        self.configuration = configuration
        self.edge = edge
        self.broker = broker
        self.metrics = metrics ?? broker?.metrics ?? ClusterMetrics()
        self.logger = logger
    }

    /// Serves until the task is cancelled or the process receives SIGINT/SIGTERM.
    /// - Parameter onStarted: called with the bound port once the server listens.
    public func run(onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: SpriteRequestContext.self)
        router.add(middleware: TokenAuthMiddleware(tokens: configuration.tokens, metrics: metrics))
        router.get("/healthz") { _, _ in
            Self.json(.ok, Array(#"{"status":"ok"}"#.utf8))
        }
        let metrics = self.metrics, registry = broker?.registry
        router.get("/metrics") { _, _ in
            let snapshot = registry?.snapshot() ?? []
            let text = metrics.prometheusText(edgesUp: snapshot.filter(\.isAvailable).count, edgesKnown: snapshot.count)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        if let edge { addEdgeRoutes(router, edge, queryRoutes: broker == nil) }
        if let broker { addBrokerRoutes(router, broker) }
        if let exports { addExportRoutes(router, exports) }
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw ClusterError(.badRequest, "cannot read the TLS certificate '\(tls.certificate)' or key '\(tls.key)': \(error)")
            }
            server = try .tls(.http1(), tlsConfiguration: TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } else {
            server = .http1()
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sprite"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService()
    }

    /// Reads a request body up to `limit` bytes; `nil` means too large.
    static func body(_ request: Request, limit: Int) async -> [UInt8]? {
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return Array(buffer.readableBytesView)
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func status(for error: ClusterError) -> HTTPResponse.Status {
        switch error.code {
        case .compile, .badRequest: .badRequest
        case .tooLarge: .contentTooLarge
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .busy: .tooManyRequests
        case .timeout: .gatewayTimeout
        case .incomplete, .unavailable: .serviceUnavailable
        case .cancelled: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
        default: .internalServerError
        }
    }

    /// Runs CPU-bound work off the cooperative thread pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import SpriteStore

/// The HTTP client edges and the aggregator talk to each other with: bearer token on every
/// request, streamed response bodies, deadlines, and cancellation with the calling task.
/// Create one per process and keep it: it owns a connection pool.
public final class ClusterClient: Sendable {
    let http: HTTPClient
    /// The token sent as `Authorization: Bearer ...`, if any.
    public let token: String?

    /// - Parameters:
    ///   - caFile: PEM certificates to trust for `https` peers (besides the system's).
    ///   - insecure: accept any certificate (tests with self-signed certificates only).
    public init(token: String?, caFile: String? = nil, insecure: Bool = false) throws {
        self.token = token
        var config = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            tls.trustRoots = .file(caFile)
        }
        if insecure { tls.certificateVerification = .none }
        config.tlsConfiguration = tls
        config.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(3))
        config.connectionPool = .init(idleTimeout: .seconds(60))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Closes the connection pool; call once, when the process stops.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A request to `base` + `path` with the token and, for bodies, a content type.
    func request(_ base: String, _ path: String, method: HTTPMethod = .GET, json body: [UInt8]? = nil) -> HTTPClientRequest {
        var r = HTTPClientRequest(url: base.hasSuffix("/") ? String(base.dropLast()) + path : base + path)
        r.method = method
        if let token { r.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        return r
    }

    /// Sends a small request and collects the whole answer (at most `limit` bytes).
    func send(_ request: HTTPClientRequest, timeout: Duration, limit: Int = 64 << 20) async throws -> (Int, [UInt8]) {
        let response = try await http.execute(request, deadline: .now() + TimeAmount(timeout))
        let body = try await response.body.collect(upTo: limit)
        return (Int(response.status.code), Array(body.readableBytesView))
    }

    /// The message of an API error body, or a summary of the body.
    static func errorMessage(status: Int, _ body: [UInt8]) -> String {
        struct E: Decodable { struct Inner: Decodable { var message: String }; var error: Inner }
        if let e = try? JSONDecoder().decode(E.self, from: Data(body)) { return "HTTP \(status): \(e.error.message)" }
        return "HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))"
    }

    /// A readable reason for a failed call to a peer.
    static func describe(_ error: any Error) -> String {
        if let e = error as? ClusterError { return e.message }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded: return "timed out"
            case .connectTimeout: return "connection timed out"
            case .cancelled: return "cancelled"
            default: return "\(e)"
            }
        }
        if error is CancellationError { return "cancelled" }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (s, a) = duration.components
        self = .nanoseconds(s * 1_000_000_000 + a / 1_000_000_000)
    }
}

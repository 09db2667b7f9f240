import ArgumentParser
import Foundation
import Logging
import SpriteCluster

/// Options of every command that serves the API (`up`, `edge`, `aggregator`).
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "Address to serve the API on (HOST:PORT). Without tokens the server listens on loopback only.")
    var listen: String = "127.0.0.1:\(APIClient.defaultPort)"

    @Option(name: .long, help: "File of accepted API tokens, one per line (also: $SPRITE_API_TOKENS, comma-separated). Without tokens there is no authentication and the server binds to loopback only.")
    var tokensFile: String?

    @Option(name: .long, help: "PEM certificate chain to serve HTTPS with (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .long, help: "Queries (and fragment runs) served at once; more are refused with 429.")
    var maxConcurrentQueries: Int = 16

    @Option(name: .long, help: "Largest query request body, in bytes.")
    var maxQueryBytes: Int = 8 << 20

    @Option(name: .long, help: ArgumentHelp("Tests: milliseconds an edge waits before sending fragment results.", visibility: .hidden))
    var debugFragmentDelayMs: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    static let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]

    func bootstrapLogging() {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }

    /// The server configuration; without tokens a non-loopback address becomes 127.0.0.1 (logged).
    func configuration(logger: Logger) throws -> APIServer.Configuration {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("--listen '\(listen)' is not HOST:PORT, e.g. 127.0.0.1:\(APIClient.defaultPort)")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let tokens: AccessTokens
        do {
            tokens = try AccessTokens.load(file: tokensFile, list: ProcessInfo.processInfo.environment["SPRITE_API_TOKENS"])
        } catch {
            throw failure("sprite: \(error.message)")
        }
        if tokens.isEmpty {
            if !Self.loopback.contains(host) {
                logger.warning("no API tokens configured: listening on 127.0.0.1 instead of \(host); give --tokens-file or SPRITE_API_TOKENS to serve other hosts")
                host = "127.0.0.1"
            } else {
                logger.notice("no API tokens configured (--tokens-file or SPRITE_API_TOKENS): no authentication, listening on loopback only")
            }
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        var tls: (certificate: String, key: String)?
        if let tlsCert, let tlsKey { tls = (certificate: tlsCert, key: tlsKey) }
        var config = APIServer.Configuration(host: host, port: port, tokens: tokens, tls: tls)
        guard maxConcurrentQueries > 0, maxQueryBytes >= 1024 else {
            throw ValidationError("--max-concurrent-queries must be positive and --max-query-bytes at least 1024")
        }
        config.maxConcurrentQueries = maxConcurrentQueries
        config.maxQueryBytes = maxQueryBytes
        config.fragmentDelay = debugFragmentDelayMs.map { .milliseconds($0) }
        return config
    }

    /// The base URL of a server bound to `host` and `port`.
    func url(host: String, port: Int) -> String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(tlsCert == nil ? "http" : "https")://\(h):\(port)"
    }
}

/// Options of commands that call another Sprite server (`edge --join`, `aggregator`).
struct PeerOptions: ParsableArguments {
    @Option(name: .long, help: "Token to send to peers and the API (default: $SPRITE_TOKEN).")
    var token: String?

    @Option(name: .long, help: "PEM certificates to trust for https peers.")
    var caFile: String?

    func client(fallbackTokens: String? = nil) throws -> ClusterClient {
        let env = ProcessInfo.processInfo.environment
        let t = token ?? env["SPRITE_TOKEN"] ?? env["SPRITE_API_TOKENS"]?.split(separator: ",").first.map(String.init)
        return try ClusterClient(token: t, caFile: caFile)
    }
}

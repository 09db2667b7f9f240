import Foundation
import Hummingbird

/// The bearer tokens a server accepts. Empty means no authentication, which servers only allow
/// on loopback addresses.
public struct AccessTokens: Sendable {
    let tokens: [[UInt8]]

    public init(_ tokens: [String]) {
        self.tokens = tokens.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Tokens from a file (one per line; `#` starts a comment) and/or a comma-separated list.
    /// - Throws: ``ClusterError`` `.badRequest` when the file cannot be read or holds no token.
    public static func load(file: String?, list: String?) throws(ClusterError) -> AccessTokens {
        var all: [String] = []
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ClusterError(.badRequest, "cannot read the tokens file '\(file)'")
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map { String($0) }
            let found = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !found.isEmpty else { throw ClusterError(.badRequest, "the tokens file '\(file)' holds no token (one per line)") }
            all += found
        }
        if let list { all += list.split(separator: ",").map(String.init) }
        return AccessTokens(all)
    }

    public var isEmpty: Bool { tokens.isEmpty }

    /// Whether `candidate` is one of the tokens (compared in constant time per token).
    public func accepts(_ candidate: String) -> Bool {
        let c = Array(candidate.utf8)
        var found = false
        for t in tokens where t.count == c.count {
            var diff: UInt8 = 0
            for i in 0..<t.count { diff |= t[i] ^ c[i] }
            if diff == 0 { found = true }
        }
        return found
    }
}

/// Refuses requests without an accepted `Authorization: Bearer` token with 401, before any
/// handler runs. `GET /healthz` stays open for liveness probes (it reveals nothing).
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = SpriteRequestContext
    let tokens: AccessTokens
    let metrics: ClusterMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if tokens.isEmpty || request.uri.path == "/healthz" { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let scheme = header.prefix(7).lowercased()
        guard scheme == "bearer ", tokens.accepts(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
            metrics.recordUnauthorized()
            let message = header.isEmpty
                ? "this server needs a token: send 'Authorization: Bearer TOKEN' (sprite: --token or SPRITE_TOKEN)"
                : "the token is not accepted"
            var response = APIServer.json(.unauthorized, ClusterError(.unauthorized, message).json())
            response.headers[.wwwAuthenticate] = "Bearer realm=\"sprite\""
            return response
        }
        return try await next(request, context)
    }
}

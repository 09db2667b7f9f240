import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of a node's or broker's HTTP API.
struct APIClient {
    static let defaultPort = 7080
    let base: URL
    /// Sent as `Authorization: Bearer ...`: `--token`, else `SPRITE_TOKEN`.
    let token: String?

    /// The server from `--server`, else `SPRITE_SERVER`, else the local default.
    init(server: String?, token: String? = nil) throws {
        self.token = token ?? ProcessInfo.processInfo.environment["SPRITE_TOKEN"]
        let text = server ?? ProcessInfo.processInfo.environment["SPRITE_SERVER"] ?? "http://127.0.0.1:\(Self.defaultPort)"
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw failure("sprite: '\(text)' is not a server URL; use e.g. http://127.0.0.1:\(Self.defaultPort)")
        }
        base = url
    }

    /// Sends a request; returns the status and body. Connection failures become a clear message.
    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json",
              timeout: TimeInterval = 300) async throws -> (Int, Data) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token, !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 401 {
                throw failure("sprite: \(base.absoluteString) refused the request: \(Self.errorMessage(data))")
            }
            return (status, data)
        } catch let e as ExitCode {
            throw e
        } catch {
            throw failure("sprite: cannot reach \(base.absoluteString): \(error.localizedDescription). Is a node running (`sprite up`)? Use --server or SPRITE_SERVER to point elsewhere.")
        }
    }

    /// The error message of an API error body, or the body itself.
    static func errorMessage(_ data: Data) -> String {
        if case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: data),
           case .object(let e)? = o["error"], case .string(let m)? = e["message"] {
            return m
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Any JSON value, decoded without loss of 64-bit integers.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var array: [JSONValue] { if case .array(let a) = self { return a }; return [] }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int64? { if case .int(let i) = self { return i }; return nil }
}

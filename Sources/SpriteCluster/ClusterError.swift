import SpriteStore
/// The one error type of the cluster module (query service, servers, clients): a stable code, a
/// message a user can act on, and for script errors the location in the script.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    public typealias Code = ErrorCode<ClusterError>

    public var code: Code
    public var message: String
    /// 1-based line and column in the script, for compile errors.
    public var line: Int?
    public var column: Int?
    /// The per-edge status, for errors of queries through the cluster.
    public var agents: [Coordinator.AgentStatus]?

    public init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { message }
}

extension ErrorCode where Domain == ClusterError {
    /// The script did not compile (the message has line:column and a caret).
    public static var compile: Self { Self(rawValue: "compile_error") }
    /// The script compiled but failed while running.
    public static var execution: Self { Self(rawValue: "execution_error") }
    /// The request was malformed (bad JSON, missing fields, too large).
    public static var badRequest: Self { Self(rawValue: "bad_request") }
    /// The request body exceeds the server's limit.
    public static var tooLarge: Self { Self(rawValue: "too_large") }
    /// The request lacked valid credentials.
    public static var unauthorized: Self { Self(rawValue: "unauthorized") }
    /// The server could not be reached or answered unexpectedly.
    public static var unavailable: Self { Self(rawValue: "unavailable") }
    /// Too many queries at once.
    public static var busy: Self { Self(rawValue: "busy") }
    /// Bytes between an edge and the aggregator were malformed or cut short.
    public static var transport: Self { Self(rawValue: "transport_error") }
    /// The query ran past its deadline.
    public static var timeout: Self { Self(rawValue: "timeout") }
    /// The query was cancelled (the client went away).
    public static var cancelled: Self { Self(rawValue: "cancelled") }
    /// The resource does not exist.
    public static var notFound: Self { Self(rawValue: "not_found") }
    /// An edge the query needed did not answer and the query was `strict`.
    public static var incomplete: Self { Self(rawValue: "incomplete") }
}

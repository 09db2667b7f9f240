/// The one error type of the cluster module (query service, servers, clients): a stable code, a
/// message a user can act on, and for script errors the location in the script.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The script did not compile (the message has line:column and a caret).
        public static let compile = Code(rawValue: "compile_error")
        /// The script compiled but failed while running.
        public static let execution = Code(rawValue: "execution_error")
        /// The request was malformed (bad JSON, missing fields, too large).
        public static let badRequest = Code(rawValue: "bad_request")
        /// The request body exceeds the server's limit.
        public static let tooLarge = Code(rawValue: "too_large")
        /// The request lacked valid credentials.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The server could not be reached or answered unexpectedly.
        public static let unavailable = Code(rawValue: "unavailable")
        /// Too many queries at once.
        public static let busy = Code(rawValue: "busy")
        /// Bytes between an edge and the aggregator were malformed or cut short.
        public static let transport = Code(rawValue: "transport_error")
        /// The query ran past its deadline.
        public static let timeout = Code(rawValue: "timeout")
        /// The query was cancelled (the client went away).
        public static let cancelled = Code(rawValue: "cancelled")
        /// The resource does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// An edge the query needed did not answer and the query was `strict`.
        public static let incomplete = Code(rawValue: "incomplete")
    }

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

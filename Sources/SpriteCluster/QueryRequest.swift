/// The body of `POST /api/v1/query`.
public struct QueryRequest: Codable, Sendable {
    /// The PxL script.
    public var script: String
    /// Run this function of the script (function mode) instead of its `px.display` calls.
    public var function: String?
    /// The function's arguments, as text.
    public var args: [String: String]?
    /// Fail instead of returning partial results when an edge is missing.
    public var strict: Bool?
    /// Deadline in seconds.
    public var timeout: Double?
    /// Ship partial aggregate states from edges (default). `false` ships the rows aggregates
    /// read instead: a diagnostic and the baseline of the transport benchmark.
    public var partialAggregation: Bool?

    enum CodingKeys: String, CodingKey {
        case script, function = "func", args, strict, timeout, partialAggregation = "partial_aggregation"
    }

    public init(script: String, function: String? = nil, args: [String: String]? = nil, strict: Bool? = nil, timeout: Double? = nil) {
        self.script = script
        self.function = function
        self.args = args
        self.strict = strict
        self.timeout = timeout
    }
}

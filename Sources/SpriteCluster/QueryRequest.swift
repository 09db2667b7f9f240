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
    /// The window of a scheduled export run: the values of `px.plugin.start_time` and
    /// `px.plugin.end_time`. Without it, scripts reading them are refused.
    public var pluginWindow: PluginWindow?
    /// Answer with the script's `px.export` frames as result tables (`__export_0`, `__export_1`,
    /// ... in script order, every row, no output limit) instead of its `px.display` tables: what a
    /// scheduled export run sends, before it becomes OTLP.
    public var exports: Bool?

    enum CodingKeys: String, CodingKey {
        case script, function = "func", args, strict, timeout, partialAggregation = "partial_aggregation"
        case pluginStartTime = "plugin_start_time", pluginEndTime = "plugin_end_time", exports
    }

    public init(script: String, function: String? = nil, args: [String: String]? = nil, strict: Bool? = nil, timeout: Double? = nil,
                pluginWindow: PluginWindow? = nil, exports: Bool? = nil) {
        self.script = script
        self.function = function
        self.args = args
        self.strict = strict
        self.timeout = timeout
        self.pluginWindow = pluginWindow
        self.exports = exports
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        script = try c.decode(String.self, forKey: .script)
        function = try c.decodeIfPresent(String.self, forKey: .function)
        args = try c.decodeIfPresent([String: String].self, forKey: .args)
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict)
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout)
        partialAggregation = try c.decodeIfPresent(Bool.self, forKey: .partialAggregation)
        pluginWindow = try PluginWindow.decode(from: c, start: .pluginStartTime, end: .pluginEndTime)
        exports = try c.decodeIfPresent(Bool.self, forKey: .exports)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(script, forKey: .script)
        try c.encodeIfPresent(function, forKey: .function)
        try c.encodeIfPresent(args, forKey: .args)
        try c.encodeIfPresent(strict, forKey: .strict)
        try c.encodeIfPresent(timeout, forKey: .timeout)
        try c.encodeIfPresent(partialAggregation, forKey: .partialAggregation)
        try c.encodeIfPresent(pluginWindow?.start, forKey: .pluginStartTime)
        try c.encodeIfPresent(pluginWindow?.end, forKey: .pluginEndTime)
        try c.encodeIfPresent(exports, forKey: .exports)
    }
}

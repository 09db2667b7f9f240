/// A script run on a fixed interval whose exports go to an OTLP endpoint.
public struct ExportSchedule: Sendable, Hashable, Codable {
    /// Unique name, `[A-Za-z0-9_.-]+`.
    public var name: String
    /// The PxL script; it must call `px.export` and may read `px.plugin.start_time`/`end_time`.
    public var script: String
    /// Interval between runs, and the length of each exported window, in ns.
    public var every: Int64
    /// Default endpoint for exports whose script names none (`px.otel.Data` without `endpoint=`).
    public var endpoint: String
    /// Headers sent with every request (API keys).
    public var headers: [String: String]
    /// `protobuf` (default) or `json`.
    public var encoding: String
    /// The end of the last window exported, ns since the epoch (the next window starts here).
    public var lastEnd: Int64
    /// When the schedule was added.
    public var created: Int64

    public init(name: String, script: String, every: Int64, endpoint: String, headers: [String: String] = [:],
                encoding: String = "protobuf", lastEnd: Int64 = 0, created: Int64 = 0) {
        self.name = name
        self.script = script
        self.every = every
        self.endpoint = endpoint
        self.headers = headers
        self.encoding = encoding
        self.lastEnd = lastEnd
        self.created = created
    }
}

/// One run of a schedule: its window and what happened.
public struct ExportRun: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Exported (possibly with rejected items: see `rejected`).
        case ok
        /// Failed; the window will be tried again.
        case retrying
        /// Failed for good (refused by the receiver, or retries exhausted); the schedule moved on.
        case failed
    }

    public var schedule: String
    public var windowStart: Int64
    public var windowEnd: Int64
    public var started: Int64
    public var finished: Int64
    public var status: Status
    public var items: Int
    public var bytes: Int
    public var rejected: Int
    public var attempts: Int
    public var message: String
}

/// What a script's `px.export(df, px.otel.Data(...))` asks for: how the rows of one data frame
/// become OTLP spans, metrics or logs, and where they go.
///
/// Column names refer to the export frame the compiler builds (it computes every column
/// expression the script passed into a column of its own).
public struct ExportSpec: Sendable, Hashable {
    /// Resource attributes; must include `service.name`.
    public var resource: [AttributeSource]
    /// What each row produces.
    public var items: [ExportItem]
    /// The receiver.
    public var endpoint: Endpoint

    public init(resource: [AttributeSource], items: [ExportItem], endpoint: Endpoint) {
        self.resource = resource
        self.items = items
        self.endpoint = endpoint
    }
}

/// A value taken from a column of each row, or a constant.
public enum ValueSource: Sendable, Hashable {
    case column(String)
    case constant(String)
}

/// An attribute whose value comes from a ``ValueSource``.
public struct AttributeSource: Sendable, Hashable {
    public var key: String
    public var source: ValueSource

    public init(_ key: String, _ source: ValueSource) {
        self.key = key
        self.source = source
    }
}

/// One kind of OTLP item produced per row (or, for histograms, per attribute set).
public enum ExportItem: Sendable, Hashable {
    /// A gauge point per row: `value` column (INT64 or FLOAT64), at `time` (TIME64NS column).
    case gauge(name: String, description: String, unit: String, value: String, time: String, attributes: [AttributeSource])
    /// A summary point per row.
    case summary(name: String, description: String, unit: String, count: String, sum: String,
                 quantiles: [QuantileSource], time: String, attributes: [AttributeSource])
    /// An explicit-bucket histogram of the `value` column, one point per distinct attribute set.
    case histogram(name: String, description: String, unit: String, value: String, bounds: [Double],
                   time: String, attributes: [AttributeSource])
    /// A span per row.
    case span(name: ValueSource, startTime: String, endTime: String, traceID: String?, spanID: String?,
              parentSpanID: String?, kind: SpanKind, attributes: [AttributeSource])
    /// A log record per row.
    case log(time: String, body: ValueSource, severity: ValueSource?, attributes: [AttributeSource])

    var signal: Signal {
        switch self {
        case .gauge, .summary, .histogram: .metrics
        case .span: .traces
        case .log: .logs
        }
    }
}

/// A quantile of a summary and the column holding its value.
public struct QuantileSource: Sendable, Hashable {
    public var quantile: Double
    public var column: String
    public init(_ quantile: Double, _ column: String) { self.quantile = quantile; self.column = column }
}

/// Where and how to send.
public struct Endpoint: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable { case protobuf, json }

    /// Base URL (`http://collector:4318`) or a signal URL (`.../v1/traces`).
    public var url: String
    /// Extra request headers, e.g. API keys.
    public var headers: [String: String]
    /// Accept any TLS certificate (test receivers).
    public var insecure: Bool
    /// Seconds per request.
    public var timeout: Double
    public var encoding: Encoding
    public var gzip: Bool

    public init(url: String, headers: [String: String] = [:], insecure: Bool = false, timeout: Double = 5,
                encoding: Encoding = .protobuf, gzip: Bool = true) {
        self.url = url
        self.headers = headers
        self.insecure = insecure
        self.timeout = timeout
        self.encoding = encoding
        self.gzip = gzip
    }

    /// The URL for a signal: the base URL with `/v1/<signal>` appended, or a given signal URL with
    /// its signal replaced.
    public func url(for signal: Signal) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        for s in Signal.allCases where base.hasSuffix(s.path) {
            base.removeLast(s.path.count)
        }
        return base + signal.path
    }
}

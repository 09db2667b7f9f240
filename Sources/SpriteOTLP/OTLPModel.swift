/// A value of an OTLP attribute or log body.
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
}

/// A key and its value.
public struct Attribute: Sendable, Hashable {
    public var key: String
    public var value: AttributeValue

    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// What a span's side of the conversation was (OTLP `SpanKind`).
public enum SpanKind: Int, Sendable, Hashable, CaseIterable {
    case unspecified = 0, `internal` = 1, server = 2, client = 3, producer = 4, consumer = 5
}

/// One span.
public struct Span: Sendable, Hashable {
    /// 16 bytes.
    public var traceID: [UInt8]
    /// 8 bytes.
    public var spanID: [UInt8]
    /// 8 bytes, or empty for a root span.
    public var parentSpanID: [UInt8]
    public var name: String
    public var kind: SpanKind
    public var startTime: UInt64
    public var endTime: UInt64
    public var attributes: [Attribute]
    /// OTLP status code: 0 unset, 1 ok, 2 error.
    public var statusCode: Int

    public init(traceID: [UInt8], spanID: [UInt8], parentSpanID: [UInt8] = [], name: String, kind: SpanKind,
                startTime: UInt64, endTime: UInt64, attributes: [Attribute], statusCode: Int = 0) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startTime = startTime
        self.endTime = endTime
        self.attributes = attributes
        self.statusCode = statusCode
    }
}

/// One metric with its points.
public struct Metric: Sendable, Hashable {
    public var name: String
    public var description: String
    public var unit: String
    public var data: MetricData

    public init(name: String, description: String = "", unit: String = "", data: MetricData) {
        self.name = name
        self.description = description
        self.unit = unit
        self.data = data
    }
}

/// The points of a metric.
public enum MetricData: Sendable, Hashable {
    case gauge([NumberPoint])
    case summary([SummaryPoint])
    /// Explicit-bucket histogram points, delta temporality (each covers one export window).
    case histogram([HistogramPoint])

    var count: Int {
        switch self {
        case .gauge(let p): p.count
        case .summary(let p): p.count
        case .histogram(let p): p.count
        }
    }
}

public struct NumberPoint: Sendable, Hashable {
    public enum Number: Sendable, Hashable { case double(Double), int(Int64) }
    public var attributes: [Attribute]
    public var time: UInt64
    public var value: Number

    public init(attributes: [Attribute], time: UInt64, value: Number) {
        self.attributes = attributes
        self.time = time
        self.value = value
    }
}

public struct SummaryPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTime: UInt64
    public var time: UInt64
    public var count: UInt64
    public var sum: Double
    /// (quantile in 0...1, value)
    public var quantiles: [QuantileValue]

    public init(attributes: [Attribute], startTime: UInt64 = 0, time: UInt64, count: UInt64, sum: Double, quantiles: [QuantileValue]) {
        self.attributes = attributes
        self.startTime = startTime
        self.time = time
        self.count = count
        self.sum = sum
        self.quantiles = quantiles
    }
}

public struct QuantileValue: Sendable, Hashable {
    public var quantile: Double
    public var value: Double
    public init(_ quantile: Double, _ value: Double) { self.quantile = quantile; self.value = value }
}

public struct HistogramPoint: Sendable, Hashable {
    public var attributes: [Attribute]
    public var startTime: UInt64
    public var time: UInt64
    public var count: UInt64
    public var sum: Double
    /// `bounds.count + 1` counts: bucket i holds values in (bounds[i-1], bounds[i]].
    public var bucketCounts: [UInt64]
    public var bounds: [Double]
    public var min: Double
    public var max: Double

    public init(attributes: [Attribute], startTime: UInt64, time: UInt64, count: UInt64, sum: Double,
                bucketCounts: [UInt64], bounds: [Double], min: Double, max: Double) {
        self.attributes = attributes
        self.startTime = startTime
        self.time = time
        self.count = count
        self.sum = sum
        self.bucketCounts = bucketCounts
        self.bounds = bounds
        self.min = min
        self.max = max
    }
}

/// One log record.
public struct LogRecord: Sendable, Hashable {
    public var time: UInt64
    public var observedTime: UInt64
    /// OTLP severity number (1–24; 9 = INFO, 13 = WARN, 17 = ERROR), 0 when unknown.
    public var severityNumber: Int
    public var severityText: String
    public var body: AttributeValue
    public var attributes: [Attribute]

    public init(time: UInt64, observedTime: UInt64, severityNumber: Int, severityText: String, body: AttributeValue, attributes: [Attribute]) {
        self.time = time
        self.observedTime = observedTime
        self.severityNumber = severityNumber
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
    }
}

/// Items of one kind that share a resource.
public struct ResourceGroup<Item: Sendable & Hashable>: Sendable, Hashable {
    public var resource: [Attribute]
    public var items: [Item]

    public init(resource: [Attribute], items: [Item]) {
        self.resource = resource
        self.items = items
    }
}

/// The three OTLP signals and their HTTP paths.
public enum Signal: String, Sendable, Hashable, CaseIterable {
    case traces, metrics, logs

    /// `/v1/traces`, `/v1/metrics`, `/v1/logs`.
    public var path: String { "/v1/\(rawValue)" }
}

import SpriteStore

/// Turns the rows of an export frame into OTLP requests as an ``ExportSpec`` describes: items
/// grouped by resource (rows with equal resource attributes share one), split into requests of
/// at most ``maxItemsPerRequest`` items.
public struct ExportBuilder: Sendable {
    public var maxItemsPerRequest: Int
    /// The export window, stamped on histogram points; `nil`: the rows' time range.
    public var window: (start: Int64, end: Int64)?

    public init(maxItemsPerRequest: Int = 2_000, window: (start: Int64, end: Int64)? = nil) {
        self.maxItemsPerRequest = max(1, maxItemsPerRequest)
        self.window = window
    }

    /// One request body's worth of items of one signal.
    public struct Request: Sendable {
        public var signal: Signal
        public var items: Int
        public var spans: [ResourceGroup<Span>] = []
        public var metrics: [ResourceGroup<Metric>] = []
        public var logs: [ResourceGroup<LogRecord>] = []

        /// The body in the given encoding.
        public func body(_ encoding: Endpoint.Encoding) -> [UInt8] {
            switch (signal, encoding) {
            case (.traces, .protobuf): ProtobufEncoding.traces(spans)
            case (.traces, .json): JSONEncoding.traces(spans)
            case (.metrics, .protobuf): ProtobufEncoding.metrics(metrics)
            case (.metrics, .json): JSONEncoding.metrics(metrics)
            case (.logs, .protobuf): ProtobufEncoding.logs(logs)
            case (.logs, .json): JSONEncoding.logs(logs)
            }
        }
    }

    /// The requests for `batch`.
    /// - Throws: ``OTLPError`` `badSpec` when a named column is missing or of the wrong type.
    public func requests(for batch: RecordBatch, spec: ExportSpec, now: Int64) throws(OTLPError) -> [Request] {
        let rows = batch.count
        guard rows > 0 else { return [] }
        let reader = try Columns(batch)
        // Resource of each row, as an index into `resources`.
        var resources: [[Attribute]] = []
        var resourceIndex: [[Attribute]: Int] = [:]
        var rowResource = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            let attrs = try spec.resource.map { (s) throws(OTLPError) in Attribute(s.key, try reader.value(s.source, r)) }
            if let i = resourceIndex[attrs] { rowResource[r] = i } else {
                resourceIndex[attrs] = resources.count; rowResource[r] = resources.count; resources.append(attrs)
            }
        }
        var spans = [[Span]](repeating: [], count: resources.count)
        var metrics = [[Metric]](repeating: [], count: resources.count)
        var logs = [[LogRecord]](repeating: [], count: resources.count)
        var rng = SystemRandomNumberGenerator()
        for item in spec.items {
            switch item {
            case .span(let name, let start, let end, let traceID, let spanID, let parent, let kind, let attributes):
                for r in 0..<rows {
                    let s = Span(
                        traceID: try traceID.map { (c) throws(OTLPError) in try reader.id(c, r, bytes: 16) } ?? Self.random(16, &rng),
                        spanID: try spanID.map { (c) throws(OTLPError) in try reader.id(c, r, bytes: 8) } ?? Self.random(8, &rng),
                        parentSpanID: try parent.map { (c) throws(OTLPError) in try reader.id(c, r, bytes: 8) } ?? [],
                        name: try reader.text(name, r), kind: kind,
                        startTime: UInt64(clamping: try reader.int(start, r)), endTime: UInt64(clamping: try reader.int(end, r)),
                        attributes: try reader.attributes(attributes, r))
                    spans[rowResource[r]].append(s)
                }
            case .log(let time, let body, let severity, let attributes):
                for r in 0..<rows {
                    let text = try severity.map { (s) throws(OTLPError) in try reader.text(s, r) } ?? ""
                    let record = LogRecord(time: UInt64(clamping: try reader.int(time, r)), observedTime: UInt64(clamping: now),
                                           severityNumber: Self.severityNumber(text), severityText: text,
                                           body: try reader.value(body, r), attributes: try reader.attributes(attributes, r))
                    logs[rowResource[r]].append(record)
                }
            case .gauge(let name, let description, let unit, let value, let time, let attributes):
                var points = [[NumberPoint]](repeating: [], count: resources.count)
                for r in 0..<rows {
                    points[rowResource[r]].append(NumberPoint(attributes: try reader.attributes(attributes, r),
                                                              time: UInt64(clamping: try reader.int(time, r)), value: try reader.number(value, r)))
                }
                for (i, p) in points.enumerated() where !p.isEmpty {
                    metrics[i].append(Metric(name: name, description: description, unit: unit, data: .gauge(p)))
                }
            case .summary(let name, let description, let unit, let count, let sum, let quantiles, let time, let attributes):
                var points = [[SummaryPoint]](repeating: [], count: resources.count)
                for r in 0..<rows {
                    let qs = try quantiles.map { (q) throws(OTLPError) in QuantileValue(q.quantile, try reader.double(q.column, r)) }
                    points[rowResource[r]].append(SummaryPoint(attributes: try reader.attributes(attributes, r),
                                                               time: UInt64(clamping: try reader.int(time, r)),
                                                               count: UInt64(clamping: try reader.int(count, r)), sum: try reader.double(sum, r), quantiles: qs))
                }
                for (i, p) in points.enumerated() where !p.isEmpty {
                    metrics[i].append(Metric(name: name, description: description, unit: unit, data: .summary(p)))
                }
            case .histogram(let name, let description, let unit, let value, let bounds, let time, let attributes):
                var groups = [[[Attribute]: HistogramAccumulator]](repeating: [:], count: resources.count)
                var order = [[[Attribute]]](repeating: [], count: resources.count)
                for r in 0..<rows {
                    let attrs = try reader.attributes(attributes, r)
                    let v = try reader.double(value, r), t = try reader.int(time, r)
                    let g = rowResource[r]
                    if groups[g][attrs] == nil { groups[g][attrs] = HistogramAccumulator(bounds: bounds); order[g].append(attrs) }
                    groups[g][attrs]!.add(v, time: t)
                }
                for g in 0..<resources.count where !order[g].isEmpty {
                    let points = order[g].map { attrs in groups[g][attrs]!.point(attrs, window: window) }
                    metrics[g].append(Metric(name: name, description: description, unit: unit, data: .histogram(points)))
                }
            }
        }
        var out: [Request] = []
        Self.chunk(spans, resources, maxItemsPerRequest) { out.append(Request(signal: .traces, items: $1, spans: $0)) }
        Self.chunk(metrics, resources, maxItemsPerRequest) { out.append(Request(signal: .metrics, items: $1, metrics: $0)) }
        Self.chunk(logs, resources, maxItemsPerRequest) { out.append(Request(signal: .logs, items: $1, logs: $0)) }
        return out
    }

    /// Splits per-resource items into requests of at most `limit` items, keeping resource groups.
    static func chunk<T>(_ perResource: [[T]], _ resources: [[Attribute]], _ limit: Int,
                         _ emit: ([ResourceGroup<T>], Int) -> Void) {
        var groups: [ResourceGroup<T>] = []
        var n = 0
        for (i, items) in perResource.enumerated() where !items.isEmpty {
            var start = 0
            while start < items.count {
                let take = min(items.count - start, limit - n)
                groups.append(ResourceGroup(resource: resources[i], items: Array(items[start..<(start + take)])))
                n += take; start += take
                if n == limit { emit(groups, n); groups = []; n = 0 }
            }
        }
        if n > 0 { emit(groups, n) }
    }

    static func random(_ n: Int, _ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// OTLP severity number of a severity text (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21).
    static func severityNumber(_ text: String) -> Int {
        switch text.uppercased() {
        case "TRACE": 1
        case "DEBUG": 5
        case "INFO", "NOTICE": 9
        case "WARN", "WARNING": 13
        case "ERROR": 17
        case "FATAL", "CRITICAL": 21
        default: 0
        }
    }
}

/// Counts values into explicit buckets: bucket i holds (bounds[i-1], bounds[i]].
struct HistogramAccumulator {
    let bounds: [Double]
    var counts: [UInt64]
    var count: UInt64 = 0
    var sum = 0.0, minimum = Double.infinity, maximum = -Double.infinity
    var first = Int64.max, last = Int64.min

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = [UInt64](repeating: 0, count: bounds.count + 1)
    }

    mutating func add(_ v: Double, time: Int64) {
        var lo = 0, hi = bounds.count
        while lo < hi { let mid = (lo + hi) / 2; if bounds[mid] < v { lo = mid + 1 } else { hi = mid } }
        counts[lo] += 1
        count += 1; sum += v
        minimum = Swift.min(minimum, v); maximum = Swift.max(maximum, v)
        first = Swift.min(first, time); last = Swift.max(last, time)
    }

    func point(_ attributes: [Attribute], window: (start: Int64, end: Int64)?) -> HistogramPoint {
        HistogramPoint(attributes: attributes, startTime: UInt64(clamping: window?.start ?? first),
                       time: UInt64(clamping: window?.end ?? last), count: count, sum: sum,
                       bucketCounts: counts, bounds: bounds, min: minimum, max: maximum)
    }
}

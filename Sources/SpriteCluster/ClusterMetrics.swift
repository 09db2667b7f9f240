import Synchronization

/// Counters behind `GET /metrics`, in Prometheus text format.
public final class ClusterMetrics: Sendable {
    /// Upper bounds (seconds) of the query latency histogram buckets.
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    struct State {
        var queries: [String: Int] = [:]
        var latencyCounts = [Int](repeating: 0, count: ClusterMetrics.latencyBuckets.count)
        var latencySum = 0.0
        var latencyCount = 0
        var rowsReturned = 0
        var bytesFromEdges = 0
        var fragmentsServed = 0
        var fragmentBytesSent = 0
        var fragmentsCancelled = 0
        var unauthorized = 0
        var rejectedBusy = 0
        var inFlight = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a finished query: its outcome (`ok`, `compile_error`, ...), seconds, result rows.
    public func recordQuery(outcome: String, seconds: Double, rows: Int) {
        state.withLock { s in
            s.queries[outcome, default: 0] += 1
            s.latencySum += seconds
            s.latencyCount += 1
            for (i, b) in Self.latencyBuckets.enumerated() where seconds <= b { s.latencyCounts[i] += 1 }
            s.rowsReturned += rows
        }
    }

    func recordEdgeBytes(_ n: Int) { state.withLock { $0.bytesFromEdges += n } }
    func recordFragments(bytes: Int, cancelled: Bool) {
        state.withLock { s in
            s.fragmentsServed += 1
            s.fragmentBytesSent += bytes
            if cancelled { s.fragmentsCancelled += 1 }
        }
    }
    func recordUnauthorized() { state.withLock { $0.unauthorized += 1 } }

    /// Takes a query slot if fewer than `limit` queries run; `false` means busy.
    func enter(limit: Int) -> Bool {
        state.withLock { s in
            guard s.inFlight < limit else { s.rejectedBusy += 1; return false }
            s.inFlight += 1
            return true
        }
    }

    func leave() { state.withLock { $0.inFlight -= 1 } }

    /// The Prometheus text exposition, with the edge gauges given by the caller.
    public func prometheusText(edgesUp: Int, edgesKnown: Int) -> String {
        let s = state.withLock { $0 }
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ lines: [String]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for l in lines { out += l + "\n" }
        }
        metric("sprite_queries_total", "counter", "Queries answered, by outcome.",
               (s.queries.isEmpty ? ["ok": 0] : s.queries).sorted { $0.key < $1.key }.map { "sprite_queries_total{outcome=\"\($0.key)\"} \($0.value)" })
        var buckets: [String] = []
        for (i, b) in Self.latencyBuckets.enumerated() { buckets.append("sprite_query_duration_seconds_bucket{le=\"\(b)\"} \(s.latencyCounts[i])") }
        buckets.append("sprite_query_duration_seconds_bucket{le=\"+Inf\"} \(s.latencyCount)")
        buckets.append("sprite_query_duration_seconds_sum \(s.latencySum)")
        buckets.append("sprite_query_duration_seconds_count \(s.latencyCount)")
        metric("sprite_query_duration_seconds", "histogram", "Query latency through the broker.", buckets)
        metric("sprite_queries_in_flight", "gauge", "Queries running now.", ["sprite_queries_in_flight \(s.inFlight)"])
        metric("sprite_queries_rejected_busy_total", "counter", "Queries refused because too many ran.", ["sprite_queries_rejected_busy_total \(s.rejectedBusy)"])
        metric("sprite_result_rows_total", "counter", "Rows returned to clients.", ["sprite_result_rows_total \(s.rowsReturned)"])
        metric("sprite_edge_bytes_received_total", "counter", "Encoded batch bytes received from edges.", ["sprite_edge_bytes_received_total \(s.bytesFromEdges)"])
        metric("sprite_fragments_served_total", "counter", "Query fragments this node ran for an aggregator.", ["sprite_fragments_served_total \(s.fragmentsServed)"])
        metric("sprite_fragment_bytes_sent_total", "counter", "Encoded batch bytes this node sent to aggregators.", ["sprite_fragment_bytes_sent_total \(s.fragmentBytesSent)"])
        metric("sprite_fragments_cancelled_total", "counter", "Fragment answers abandoned because the aggregator went away.", ["sprite_fragments_cancelled_total \(s.fragmentsCancelled)"])
        metric("sprite_unauthorized_requests_total", "counter", "Requests refused for a missing or wrong token.", ["sprite_unauthorized_requests_total \(s.unauthorized)"])
        metric("sprite_edges_up", "gauge", "Edges available to queries.", ["sprite_edges_up \(edgesUp)"])
        metric("sprite_edges_known", "gauge", "Edges known to the aggregator.", ["sprite_edges_known \(edgesKnown)"])
        return out
    }
}

/// A call of a `px.otel` constructor, kept with its arguments until `px.export` reads it.
struct OTelCall {
    /// `otel.Data`, `otel.Endpoint`, `otel.metric.Gauge`, `otel.metric.Summary`,
    /// `otel.metric.Histogram`, `otel.trace.Span`, `otel.log.Log`.
    var kind: String
    var arguments: Arguments

    /// The argument called `name` (keyword, or at `position`).
    func value(_ name: String, position: Int? = nil) -> (PxValue, SourceLocation)? {
        arguments.value(name, position: position)
    }
}

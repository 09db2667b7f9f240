import SpriteEngine
import SpriteOTLP
import SpriteStore

/// `px.export(df, px.otel.Data(...))` and the `px.otel` constructors (Pixie's, plus
/// `metric.Histogram` and `log.Log`).
extension Interpreter {
    static let otelConstructors: [String: [String]] = [
        "otel.Data": ["resource", "data", "endpoint"],
        "otel.Endpoint": ["url", "headers", "insecure", "timeout", "encoding", "gzip"],
        "otel.metric.Gauge": ["name", "value", "description", "attributes", "unit"],
        "otel.metric.Summary": ["name", "count", "sum", "quantile_values", "description", "attributes", "unit"],
        "otel.metric.Histogram": ["name", "value", "explicit_bounds", "description", "attributes", "unit"],
        "otel.trace.Span": ["name", "start_time", "end_time", "trace_id", "span_id", "parent_span_id", "attributes", "kind"],
        "otel.log.Log": ["time", "body", "severity", "attributes"],
    ]
    static let spanKinds: [String: Int64] = [
        "SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3,
        "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
    ]

    /// Members of `px.otel...` namespaces: constructors and span-kind constants.
    func otelMember(_ module: String, _ name: String, at location: SourceLocation) throws(PxLError) -> PxValue {
        let qualified = String("\(module).\(name)".dropFirst(3))  // without "px."
        if Self.otelConstructors[qualified] != nil { return .builtin("px.\(qualified)") }
        if module == "px.otel.trace", let k = Self.spanKinds[name] { return .int(k) }
        let known = Self.otelConstructors.keys.filter { $0.hasPrefix(String(module.dropFirst(3)) + ".") }.map { String($0.split(separator: ".").last!) }
        throw PxLError(.unknownName, "\(module) has no member '\(name)'; it has: \((known + (module == "px.otel.trace" ? Self.spanKinds.keys.sorted() : [])).sorted().joined(separator: ", "))", at: location)
    }

    func otelConstruct(_ kind: String, _ args: Arguments) throws(PxLError) -> PxValue {
        let allowed = Self.otelConstructors[kind] ?? []
        try args.check("px.\(kind)", allowed: allowed, maxPositional: allowed.count)
        return .otel(OTelCall(kind: kind, arguments: args))
    }

    /// `px.export(df, px.otel.Data(...))`: adds an export of `df`.
    func export(_ args: Arguments) throws(PxLError) {
        try args.check("export", allowed: ["out", "export_spec"], maxPositional: 2)
        guard let (dv, dat) = args.value("out", position: 0), case .dataFrame(let df) = dv else {
            throw PxLError(.badArgument, "px.export() needs a DataFrame as its first argument", at: args.location)
        }
        _ = dat
        guard let (sv, sat) = args.value("export_spec", position: 1), case .otel(let data) = sv, data.kind == "otel.Data" else {
            throw PxLError(.badArgument, "px.export(df, px.otel.Data(resource={...}, data=[...])) needs px.otel.Data as its second argument", at: args.location)
        }
        var builder = ExportFrame(df: df)
        // Resource.
        guard let (rv, rat) = data.value("resource", position: 0), case .dict(let entries) = rv else {
            throw PxLError(.badArgument, "px.otel.Data needs resource={'service.name': ..., ...}", at: sat)
        }
        let resource = try attributeSources(entries, into: &builder, at: rat)
        guard resource.contains(where: { $0.key == "service.name" }) else {
            throw PxLError(.badArgument, "the resource must contain 'service.name' (OpenTelemetry requires it), e.g. resource={'service.name': df.service}", at: rat)
        }
        // Items.
        guard let (itemsValue, iat) = data.value("data", position: 1), case .list(let list) = itemsValue, !list.isEmpty else {
            throw PxLError(.badArgument, "px.otel.Data needs data=[...] with at least one metric, span or log", at: sat)
        }
        var items: [ExportItem] = []
        for v in list {
            guard case .otel(let call) = v else {
                throw PxLError(.typeMismatch, "data= takes px.otel.metric.Gauge/Summary/Histogram, px.otel.trace.Span or px.otel.log.Log, got \(v.kindName)", at: iat)
            }
            items.append(try item(call, &builder))
        }
        // Endpoint.
        var endpoint = Endpoint(url: "")
        if let (ev, eat) = data.value("endpoint", position: 2) {
            guard case .otel(let e) = ev, e.kind == "otel.Endpoint" else {
                throw PxLError(.typeMismatch, "endpoint= takes px.otel.Endpoint(url=...)", at: eat)
            }
            endpoint = try self.endpoint(e)
        }
        let frame = try self.frame(.map(df.plan, builder.columns), at: args.location)
        let spec = ExportSpec(resource: resource, items: items, endpoint: endpoint)
        exports.append(CompiledExport(plan: .sink(frame.plan, name: "__export_\(exports.count)"), spec: spec,
                                      line: args.location.line, column: args.location.column))
    }

    private func item(_ call: OTelCall, _ b: inout ExportFrame) throws(PxLError) -> ExportItem {
        let at = call.arguments.location
        func string(_ name: String, required: Bool = false, position: Int? = nil) throws(PxLError) -> String {
            guard let (v, loc) = call.value(name, position: position) else {
                if required { throw PxLError(.badArgument, "px.\(call.kind) needs \(name)=", at: at) }
                return ""
            }
            guard case .string(let s) = v else { throw PxLError(.typeMismatch, "\(name)= must be a string, got \(v.kindName)", at: loc) }
            return s
        }
        func attributes() throws(PxLError) -> [AttributeSource] {
            guard let (v, loc) = call.value("attributes") else { return [] }
            guard case .dict(let entries) = v else { throw PxLError(.typeMismatch, "attributes= must be a dict of name: column or string", at: loc) }
            return try attributeSources(entries, into: &b, at: loc)
        }
        func column(_ name: String, numeric: Bool = false, time: Bool = false, position: Int? = nil) throws(PxLError) -> String {
            guard let (v, loc) = call.value(name, position: position) else {
                throw PxLError(.badArgument, "px.\(call.kind) needs \(name)=", at: at)
            }
            guard let expr = v.expr, case .column = v else {
                throw PxLError(.typeMismatch, "\(name)= must be a column of the DataFrame, got \(v.kindName)", at: loc)
            }
            let type = try exprType(expr, in: b.df, at: loc)
            if numeric && type != .int64 && type != .float64 {
                throw PxLError(.typeMismatch, "\(name)= of px.\(call.kind) must be numeric (INT64 or FLOAT64), got \(type.rawValue)", at: loc)
            }
            if time && type != .time64ns && type != .int64 {
                throw PxLError(.typeMismatch, "\(name)= of px.\(call.kind) must be a time (TIME64NS or INT64 ns), got \(type.rawValue)", at: loc)
            }
            return b.name(for: expr)
        }
        func timeColumn() throws(PxLError) -> String {
            guard b.df.columnNames.contains("time_") else {
                throw PxLError(.unknownColumn, "px.\(call.kind) takes its timestamps from the DataFrame's 'time_' column, which it does not have", at: at)
            }
            return "time_"
        }
        switch call.kind {
        case "otel.metric.Gauge":
            return .gauge(name: try string("name", required: true, position: 0), description: try string("description"), unit: try string("unit"),
                          value: try column("value", numeric: true, position: 1), time: try timeColumn(), attributes: try attributes())
        case "otel.metric.Summary":
            var quantiles: [QuantileSource] = []
            if let (v, loc) = call.value("quantile_values") {
                guard case .dict(let entries) = v else { throw PxLError(.typeMismatch, "quantile_values= must be a dict {0.5: df.p50, ...}", at: loc) }
                for e in entries {
                    guard let q = Self.double(e.key), (0...1).contains(q), let expr = e.value.expr, case .column = e.value else {
                        throw PxLError(.typeMismatch, "quantile_values= maps quantiles in [0, 1] to columns, e.g. {0.99: df.p99}", at: loc)
                    }
                    quantiles.append(QuantileSource(q, b.name(for: expr)))
                }
            }
            return .summary(name: try string("name", required: true, position: 0), description: try string("description"), unit: try string("unit"),
                            count: try column("count", numeric: true), sum: try column("sum", numeric: true),
                            quantiles: quantiles, time: try timeColumn(), attributes: try attributes())
        case "otel.metric.Histogram":
            var bounds: [Double] = []
            if let (v, loc) = call.value("explicit_bounds") {
                guard case .list(let items) = v else { throw PxLError(.typeMismatch, "explicit_bounds= must be a list of numbers", at: loc) }
                for i in items {
                    guard let d = Self.double(i) else { throw PxLError(.typeMismatch, "explicit_bounds= must be a list of numbers", at: loc) }
                    bounds.append(d)
                }
                guard bounds == bounds.sorted(), Set(bounds).count == bounds.count else {
                    throw PxLError(.badArgument, "explicit_bounds= must be strictly increasing", at: loc)
                }
            } else {
                // OpenTelemetry's advisory buckets for http.server.request.duration (seconds).
                bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
            }
            return .histogram(name: try string("name", required: true, position: 0), description: try string("description"), unit: try string("unit"),
                              value: try column("value", numeric: true, position: 1), bounds: bounds, time: try timeColumn(), attributes: try attributes())
        case "otel.trace.Span":
            var kind = SpanKind.server
            if let (v, loc) = call.value("kind") {
                guard case .int(let k) = v, let sk = SpanKind(rawValue: Int(k)) else {
                    throw PxLError(.typeMismatch, "kind= takes px.otel.trace.SPAN_KIND_SERVER, _CLIENT, _INTERNAL, _PRODUCER or _CONSUMER", at: loc)
                }
                kind = sk
            }
            func optionalColumn(_ n: String) throws(PxLError) -> String? {
                call.value(n) == nil ? nil : try column(n)
            }
            return .span(name: try valueSource("name", call, &b), startTime: try column("start_time", time: true),
                         endTime: try column("end_time", time: true), traceID: try optionalColumn("trace_id"),
                         spanID: try optionalColumn("span_id"), parentSpanID: try optionalColumn("parent_span_id"),
                         kind: kind, attributes: try attributes())
        case "otel.log.Log":
            return .log(time: try column("time", time: true), body: try valueSource("body", call, &b),
                        severity: call.value("severity") == nil ? nil : try valueSource("severity", call, &b), attributes: try attributes())
        default:
            throw PxLError(.typeMismatch, "px.\(call.kind) cannot be exported; use a metric, span or log", at: at)
        }
    }

    private func valueSource(_ name: String, _ call: OTelCall, _ b: inout ExportFrame) throws(PxLError) -> ValueSource {
        guard let (v, loc) = call.value(name) else { throw PxLError(.badArgument, "px.\(call.kind) needs \(name)=", at: call.arguments.location) }
        switch v {
        case .string(let s): return .constant(s)
        case .column(let e): _ = try exprType(e, in: b.df, at: loc); return .column(b.name(for: e))
        default: throw PxLError(.typeMismatch, "\(name)= must be a column or a string, got \(v.kindName)", at: loc)
        }
    }

    private func attributeSources(_ entries: [(key: PxValue, value: PxValue)], into b: inout ExportFrame,
                                  at location: SourceLocation) throws(PxLError) -> [AttributeSource] {
        var out: [AttributeSource] = []
        for e in entries {
            guard case .string(let key) = e.key else { throw PxLError(.typeMismatch, "attribute names must be strings", at: location) }
            switch e.value {
            case .string(let s): out.append(AttributeSource(key, .constant(s)))
            case .column(let expr):
                _ = try exprType(expr, in: b.df, at: location)
                out.append(AttributeSource(key, .column(b.name(for: expr))))
            default:
                if let lit = e.value.literal { out.append(AttributeSource(key, .constant(Self.text(lit)))) }
                else { throw PxLError(.typeMismatch, "attribute '\(key)' must be a column or a string, got \(e.value.kindName)", at: location) }
            }
        }
        return out
    }

    private func endpoint(_ e: OTelCall) throws(PxLError) -> Endpoint {
        guard let (uv, uat) = e.value("url", position: 0), case .string(let url) = uv, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw PxLError(.badArgument, "px.otel.Endpoint needs url='http(s)://host:port'", at: e.arguments.location)
        }
        _ = uat
        var endpoint = Endpoint(url: url)
        if let (hv, hat) = e.value("headers") {
            guard case .dict(let entries) = hv else { throw PxLError(.typeMismatch, "headers= must be a dict of strings", at: hat) }
            for entry in entries {
                guard case .string(let k) = entry.key, case .string(let v) = entry.value else {
                    throw PxLError(.typeMismatch, "headers= must be a dict of strings", at: hat)
                }
                endpoint.headers[k] = v
            }
        }
        if let (v, loc) = e.value("insecure") {
            guard case .bool(let b) = v else { throw PxLError(.typeMismatch, "insecure= must be True or False", at: loc) }
            endpoint.insecure = b
        }
        if let (v, loc) = e.value("timeout") {
            guard let t = Self.double(v), t > 0 else { throw PxLError(.typeMismatch, "timeout= must be a positive number of seconds", at: loc) }
            endpoint.timeout = t
        }
        if let (v, loc) = e.value("encoding") {
            guard case .string(let s) = v, let enc = Endpoint.Encoding(rawValue: s) else {
                throw PxLError(.badArgument, "encoding= is 'protobuf' or 'json'", at: loc)
            }
            endpoint.encoding = enc
        }
        if let (v, loc) = e.value("gzip") {
            guard case .bool(let b) = v else { throw PxLError(.typeMismatch, "gzip= must be True or False", at: loc) }
            endpoint.gzip = b
        }
        return endpoint
    }

    private func exprType(_ expr: Expr, in df: DataFrame, at location: SourceLocation) throws(PxLError) -> DataType {
        do { return try binder.bind(expr, to: df.schema).type } catch {
            throw PxLError(Self.code(for: error), error.message, at: location)
        }
    }

    static func text(_ v: Value) -> String {
        switch v {
        case .string(let s): s
        case .int64(let i), .time64ns(let i): String(i)
        case .float64(let d): String(d)
        case .boolean(let b): b ? "true" : "false"
        case .uint128(let u): UPID.format(u)
        }
    }
}

/// The columns of an export frame: the data frame's own, plus one per computed expression.
struct ExportFrame {
    let df: DataFrame
    var columns: [NamedExpr]
    private var computed: [Expr: String] = [:]

    init(df: DataFrame) {
        self.df = df
        columns = df.columnNames.map { NamedExpr($0, .column($0)) }
    }

    /// The column holding `expr`'s values: the column itself, or a new computed one.
    mutating func name(for expr: Expr) -> String {
        if case .column(let n) = expr { return n }
        if let n = computed[expr] { return n }
        let n = "__otel_\(computed.count)"
        computed[expr] = n
        columns.append(NamedExpr(n, expr))
        return n
    }
}

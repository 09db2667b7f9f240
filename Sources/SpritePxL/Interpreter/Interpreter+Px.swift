import SpriteEngine
import SpriteStore

/// The `px` module: constructors, sinks, time helpers, aggregate names, and every scalar function
/// of the engine's registry.
extension Interpreter {
    static let aggregateNames: Set<String> = ["count", "sum", "mean", "min", "max", "any", "quantiles"]
    static let submodules: Set<String> = ["px.otel", "px.otel.metric", "px.otel.trace", "px.otel.log", "px.plugin", "px.vis"]
    /// `px` members handled here rather than by the engine.
    static let specialMembers: Set<String> = [
        "DataFrame", "display", "debug", "now", "seconds", "minutes", "hours", "days", "milliseconds", "microseconds",
        "nanoseconds", "parse_duration", "parse_time", "equals_any", "script_reference", "GetTables", "GetSchemas",
        "GetUDFList", "GetUDAList", "export",
    ]

    func member(of module: String, _ name: String, at location: SourceLocation) throws(PxLError) -> PxValue {
        let qualified = "\(module).\(name)"
        if Self.submodules.contains(qualified) { return .module(qualified) }
        if module.hasPrefix("px.otel") { return try otelMember(module, name, at: location) }
        if module == "px.plugin" {
            guard let window = compiler.pluginWindow else {
                throw PxLError(.badArgument, "px.plugin.\(name) is only set when the script runs as a scheduled export", at: location)
            }
            usedPluginWindow = true
            switch name {
            case "start_time": return .time(window.start)
            case "end_time": return .time(window.end)
            default: throw PxLError(.unknownName, "px.plugin has no member '\(name)'; it has start_time and end_time", at: location)
            }
        }
        guard module == "px" else { return .builtin(qualified) }
        if Self.specialMembers.contains(name) || Self.aggregateNames.contains(name) || compiler.registry.function(named: name) != nil {
            return .builtin(qualified)
        }
        var message = "px has no member '\(name)'"
        let candidates = Array(Self.specialMembers) + Array(Self.aggregateNames) + compiler.registry.names
        if let near = NameSuggestion.closest(to: name, in: candidates) { message += "; did you mean 'px.\(near)'?" }
        throw PxLError(.unknownName, message, at: location)
    }

    func callBuiltin(_ qualified: String, _ args: Arguments) throws(PxLError) -> PxValue {
        guard qualified.hasPrefix("px.") else {
            throw PxLError(.unsupported, "'\(qualified)' is not supported", at: args.callee)
        }
        let name = String(qualified.dropFirst(3))
        if name.hasPrefix("otel.") { return try otelConstruct(name, args) }
        switch name {
        case "DataFrame": return try dataFrame(args)
        case "export":
            try export(args)
            return .none
        case "display", "debug":
            try args.check(name, allowed: ["out", "name", "table_name"], maxPositional: 2)
            guard let (v, at) = args.value("out", position: 0), case .dataFrame(let df) = v else {
                throw PxLError(.badArgument, "px.\(name)() needs a DataFrame as its first argument", at: args.location)
            }
            _ = at
            var table = "output"
            if let (n, nat) = args.value("name", position: 1) ?? args.value("table_name", position: nil) {
                guard case .string(let s) = n else { throw PxLError(.typeMismatch, "the result table name must be a string", at: nat) }
                table = s
            }
            sinks.append((table, df))
            return .none
        case "now":
            try args.check(name, allowed: [], maxPositional: 0)
            return .time(compiler.now)
        case "nanoseconds", "microseconds", "milliseconds", "seconds", "minutes", "hours", "days":
            try args.check(name, allowed: [], maxPositional: 1)
            let unit: Int64 = ["nanoseconds": 1, "microseconds": 1_000, "milliseconds": 1_000_000, "seconds": 1_000_000_000,
                               "minutes": 60_000_000_000, "hours": 3_600_000_000_000, "days": 86_400_000_000_000][name]!
            guard let (v, at) = args.value("n", position: 0) else { throw PxLError(.badArgument, "px.\(name)() needs a number", at: args.location) }
            switch v {
            case .int(let k): return .duration(k &* unit)
            case .float(let f): return .duration(Int64(f * Double(unit)))
            default: throw PxLError(.typeMismatch, "px.\(name)() takes a constant number, got \(v.kindName)", at: at)
            }
        case "parse_duration":
            if case .string(let s)? = args.positional.first?.0, args.positional.count == 1 {
                guard let d = TimeParsing.duration(s) else {
                    throw PxLError(.badArgument, "'\(s)' is not a duration (e.g. '5m', '-30s', '1h30m', '250ms')", at: args.positional[0].1)
                }
                return .duration(d)
            }
            return try scalar(name, args)
        case "parse_time":
            if case .string(let s)? = args.positional.first?.0, args.positional.count == 1 {
                guard let t = TimeParsing.time(s, now: compiler.now) else {
                    throw PxLError(.badArgument, "'\(s)' is not a time (e.g. '2026-01-01T00:00:00Z' or '-5m')", at: args.positional[0].1)
                }
                return .time(t)
            }
            return try scalar(name, args)
        case "equals_any":
            // equals_any(col, [v1, v2, ...]) -> equals_any(col, v1, v2, ...)
            guard args.positional.count == 2, case .list(let items) = args.positional[1].0 else {
                throw PxLError(.badArgument, "px.equals_any(column, [values...]) takes a column and a list", at: args.location)
            }
            var flat = Arguments(positional: [args.positional[0]], keywords: [], location: args.location, callee: args.callee)
            for item in items { flat.positional.append((item, args.positional[1].1)) }
            return try scalar(name, flat)
        case "script_reference":
            // script_reference(label, script, {'k': v, ...}) -> script_reference(label, script, 'k', v, ...)
            var flat = Arguments(positional: Array(args.positional.prefix(2)), keywords: [], location: args.location, callee: args.callee)
            if args.positional.count == 3 {
                guard case .dict(let entries) = args.positional[2].0 else {
                    throw PxLError(.badArgument, "px.script_reference's third argument is a dict of script arguments", at: args.positional[2].1)
                }
                for e in entries { flat.positional.append((e.key, args.positional[2].1)); flat.positional.append((e.value, args.positional[2].1)) }
            }
            return try scalar(name, flat)
        case "GetTables": return .dataFrame(try frame(.values(metaTables()), at: args.location))
        case "GetSchemas": return .dataFrame(try frame(.values(metaSchemas()), at: args.location))
        case "GetUDFList": return .dataFrame(try frame(.values(metaFunctions()), at: args.location))
        case "GetUDAList": return .dataFrame(try frame(.values(metaAggregates()), at: args.location))
        default:
            if Self.aggregateNames.contains(name) {
                throw PxLError(.badArgument, "px.\(name) is an aggregate: use it in agg(out=('column', px.\(name)))", at: args.callee)
            }
            return try scalar(name, args)
        }
    }

    /// A call of an engine function; the result is a column expression.
    func scalar(_ name: String, _ args: Arguments) throws(PxLError) -> PxValue {
        if let k = args.keywords.first {
            throw PxLError(.badArgument, "px.\(name)() takes positional arguments only, got '\(k.0)='", at: k.2)
        }
        var exprs: [Expr] = []
        for (v, at) in args.positional {
            guard let e = v.expr else {
                throw PxLError(.typeMismatch, "px.\(name)() cannot take \(v.kindName)", at: at)
            }
            exprs.append(e)
        }
        let call = Expr.call(name, exprs)
        // Type-check now when the arguments are constants or columns we can resolve: the binder
        // needs a schema, so check against an empty one only when no column is referenced.
        if call.referencedColumns.isEmpty {
            do { _ = try binder.bind(call, to: Schema(fields: [])) } catch {
                throw PxLError(Self.code(for: error), error.message, at: args.location)
            }
        } else if compiler.registry.function(named: name) == nil {
            do { _ = try compiler.registry.require(name) } catch {
                throw PxLError(.unknownName, error.message, at: args.callee)
            }
        }
        return .column(call)
    }

    /// `px.DataFrame(table, select=[...], start_time=..., end_time=...)`.
    func dataFrame(_ args: Arguments) throws(PxLError) -> PxValue {
        try args.check("DataFrame", allowed: ["table", "select", "start_time", "end_time"], maxPositional: 4)
        guard let (tv, tat) = args.value("table", position: 0), case .string(let table) = tv else {
            throw PxLError(.badArgument, "px.DataFrame() needs a table name: px.DataFrame(table='http_events')", at: args.location)
        }
        var columns: [String]? = nil
        if let (v, at) = args.value("select", position: 1) { columns = try stringList(v, what: "select", at: at) }
        var start: Int64? = nil, end: Int64? = nil
        if let (v, at) = args.value("start_time", position: 2) { start = try absoluteTime(v, at: at) }
        if let (v, at) = args.value("end_time", position: 3) { end = try absoluteTime(v, at: at) }
        let location = args.value("select", position: 1)?.1 ?? tat
        if compiler.catalog.schema(ofTable: table) == nil {
            return .dataFrame(try frame(.scan(table: table, columns: columns, start: start, end: end), at: tat))
        }
        return .dataFrame(try frame(.scan(table: table, columns: columns, start: start, end: end), at: location))
    }

    /// A time argument: relative text ('-5m'), absolute text, ns since the epoch, or a time value.
    func absoluteTime(_ v: PxValue, at location: SourceLocation) throws(PxLError) -> Int64? {
        switch v {
        case .none: return nil
        case .int(let ns): return ns
        case .time(let t): return t
        case .duration(let d): return compiler.now &+ d
        case .string(let s):
            guard let t = TimeParsing.time(s, now: compiler.now) else {
                throw PxLError(.badArgument, "'\(s)' is not a time: use a relative time like '-5m', '-30s', '-1h', '-2d' or an absolute one like '2026-01-01T00:00:00Z'", at: location)
            }
            return t
        default:
            throw PxLError(.typeMismatch, "a time must be a string, an int (ns) or px.now() - px.minutes(n), got \(v.kindName)", at: location)
        }
    }
}

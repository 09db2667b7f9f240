import SpriteStore

/// Type-checks plans and expressions before execution: resolves column names, function overloads
/// and aggregate input types, and computes each node's output schema.
public struct Binder: Sendable {
    public let catalog: any Catalog
    public let functions: FunctionRegistry
    public let aggregates: AggregateRegistry

    public init(catalog: any Catalog, functions: FunctionRegistry = .standard, aggregates: AggregateRegistry = .standard) {
        self.catalog = catalog
        self.functions = functions
        self.aggregates = aggregates
    }

    /// The output schema of `plan`, checking every node below it.
    public func schema(of plan: LogicalPlan) throws(EngineError) -> Schema {
        switch plan {
        case .scan(let table, let columns, _, _):
            guard let s = catalog.schema(ofTable: table) else {
                var message = "Table '\(table)' not found"
                if let near = NameSuggestion.closest(to: table, in: catalog.tableNames) { message += "; did you mean '\(near)'?" }
                throw EngineError(.unknownTable, message)
            }
            guard let columns else { return s }
            var fields: [Field] = []
            for c in columns { fields.append(try Self.field(c, in: s)) }
            return Schema(name: s.name, fields: fields)
        case .values(let batch):
            return batch.schema
        case .input(_, let schema):
            return schema
        case .filter(let input, let predicate):
            let s = try schema(of: input)
            let b = try bind(predicate, to: s)
            guard b.type == .boolean else {
                throw EngineError(.typeMismatch, "A filter needs a BOOLEAN expression, got \(b.type.rawValue)")
            }
            return s
        case .map(let input, let exprs):
            let s = try schema(of: input)
            var fields: [Field] = []
            var seen = Set<String>()
            for e in exprs {
                let b = try bind(e.expr, to: s)
                guard seen.insert(e.name).inserted else { throw EngineError(.invalidPlan, "Column '\(e.name)' is defined twice") }
                fields.append(Field(e.name, b.type, b.semanticType))
            }
            return Schema(name: "", fields: fields)
        case .aggregate(let input, let keys, let calls, let mode):
            let s = try schema(of: input)
            return try aggregateSchema(input: s, keys: keys, calls: calls, mode: mode)
        case .join(let left, let right, let how, let leftOn, let rightOn, let suffixes):
            let l = try schema(of: left), r = try schema(of: right)
            return try joinSchema(left: l, right: r, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes).schema
        case .union(let plans):
            guard let first = plans.first else { throw EngineError(.invalidPlan, "A union needs at least one input") }
            let s = try schema(of: first)
            for p in plans.dropFirst() {
                let o = try schema(of: p)
                guard o.count == s.count, s.fields.allSatisfy({ f in o.fields.contains { $0.name == f.name && $0.type == f.type } }) else {
                    throw EngineError(.typeMismatch, "Cannot append tables with different columns: [\(s.fields.map { "\($0.name): \($0.type.rawValue)" }.joined(separator: ", "))] and [\(o.fields.map { "\($0.name): \($0.type.rawValue)" }.joined(separator: ", "))]")
                }
            }
            return s
        case .limit(let input, let n):
            guard n >= 0 else { throw EngineError(.badArgument, "head(n) needs n >= 0, got \(n)") }
            return try schema(of: input)
        case .sink(let input, let name):
            var s = try schema(of: input)
            s.name = name
            return s
        }
    }

    static func field(_ name: String, in schema: Schema) throws(EngineError) -> Field {
        guard let i = schema.index(of: name) else {
            var message = "Column '\(name)' not found"
            if let near = NameSuggestion.closest(to: name, in: schema.fields.map(\.name)) { message += "; did you mean '\(near)'?" }
            throw EngineError(.unknownColumn, message)
        }
        return schema.fields[i]
    }

    /// Binds `expr` against the columns of `schema`.
    public func bind(_ expr: Expr, to schema: Schema) throws(EngineError) -> BoundExpr {
        switch expr {
        case .column(let name):
            let f = try Self.field(name, in: schema)
            return .column(index: schema.index(of: name)!, field: f)
        case .literal(let v):
            return .literal(v, semanticType: .none)
        case .call(let name, let args):
            let fn = try functions.require(name)
            var bound: [BoundExpr] = []
            for a in args { bound.append(try bind(a, to: schema)) }
            let (overload, converted) = try Self.resolve(fn, bound)
            for i in overload.constantArguments where i < converted.count {
                if case .literal = converted[i] { continue }
                throw EngineError(.notConstant, "Argument \(i + 1) of px.\(name) must be a constant")
            }
            let semantic = overload.semantic.resolve(converted.map(\.semanticType))
            return .call(name: name, overload: overload, arguments: converted, semanticType: semantic)
        }
    }

    /// The cost of converting `from` to `to` implicitly, or `nil` if not allowed.
    static func conversionCost(_ from: DataType, _ to: DataType) -> Int? {
        if from == to { return 0 }
        switch (from, to) {
        case (.int64, .float64), (.int64, .time64ns), (.time64ns, .int64): return 1
        default: return nil
        }
    }

    static func resolve(_ fn: ScalarFunction, _ args: [BoundExpr]) throws(EngineError) -> (ScalarOverload, [BoundExpr]) {
        var best: (ScalarOverload, Int)?
        for o in fn.overloads where o.accepts(count: args.count) {
            var cost = 0
            var ok = true
            for (i, a) in args.enumerated() {
                guard let t = o.argumentType(i), let c = conversionCost(a.type, t) else { ok = false; break }
                cost += c
            }
            if ok && (best == nil || cost < best!.1) { best = (o, cost) }
        }
        guard let (o, _) = best else {
            let types = args.map(\.type.rawValue).joined(separator: ", ")
            let options = fn.overloads.map(\.signature).joined(separator: "; ")
            if args.count == 1 {
                throw EngineError(.typeMismatch, "px.\(fn.name) cannot take \(types) (accepts \(options))")
            }
            throw EngineError(.typeMismatch, "px.\(fn.name) cannot take (\(types)) (accepts \(options))")
        }
        let converted = args.enumerated().map { i, a -> BoundExpr in
            let t = o.argumentType(i)!
            if a.type == t { return a }
            if case .literal(let v, let s) = a { return .literal(Self.convertLiteral(v, to: t), semanticType: s) }
            return .convert(a, to: t)
        }
        return (o, converted)
    }

    static func convertLiteral(_ v: Value, to t: DataType) -> Value {
        switch (v, t) {
        case (.int64(let x), .float64): .float64(Double(x))
        case (.int64(let x), .time64ns): .time64ns(x)
        case (.time64ns(let x), .int64): .int64(x)
        default: v
        }
    }

    /// The output of an aggregate node: keys, then one field per aggregate.
    func aggregateSchema(input: Schema, keys: [String], calls: [AggregateCall], mode: AggregateMode) throws(EngineError) -> Schema {
        var fields: [Field] = []
        var seen = Set<String>()
        for k in keys {
            fields.append(try Self.field(k, in: input))
            seen.insert(k)
        }
        for c in calls {
            guard seen.insert(c.name).inserted else { throw EngineError(.invalidPlan, "Column '\(c.name)' is defined twice") }
            let resolved = try resolveAggregate(c, input: input, mode: mode)
            switch mode {
            case .partial:
                fields.append(PartialStateField.field(name: c.name, function: c.function, input: resolved.inputField))
            case .full, .final:
                fields.append(Field(c.name, resolved.resultType, resolved.resultSemantic))
            }
        }
        return Schema(name: "", fields: fields)
    }

    /// An aggregate call resolved to its function and argument type.
    struct ResolvedAggregate {
        let function: AggregateFunction
        let inputIndex: Int
        /// The type of the original values (in final mode: read from the state column).
        let inputField: Field
        let resultType: DataType
        let resultSemantic: SemanticType
    }

    func resolveAggregate(_ c: AggregateCall, input: Schema, mode: AggregateMode) throws(EngineError) -> ResolvedAggregate {
        let fn = try aggregates.require(c.function)
        let f = try Self.field(c.column, in: input)
        var valueField = f
        if mode == .final {
            guard let (stateFn, original) = PartialStateField.parse(f) else {
                throw EngineError(.typeMismatch, "Column '\(c.column)' does not hold partial aggregate states")
            }
            guard stateFn == fn.name else {
                throw EngineError(.typeMismatch, "Column '\(c.column)' holds px.\(stateFn) states, not px.\(fn.name)")
            }
            valueField = original
        }
        guard let (t, s) = fn.result(valueField.type, valueField.semanticType) else {
            throw EngineError(.typeMismatch, "px.\(fn.name) cannot take \(valueField.type.rawValue)")
        }
        return ResolvedAggregate(function: fn, inputIndex: input.index(of: c.column)!, inputField: valueField, resultType: t, resultSemantic: s)
    }

    /// The output schema of a join, with the key positions on each side.
    struct JoinLayout {
        let schema: Schema
        let leftKeys: [Int]
        let rightKeys: [Int]
    }

    func joinSchema(left: Schema, right: Schema, how: JoinType, leftOn: [String], rightOn: [String], suffixes: JoinSuffixes) throws(EngineError) -> JoinLayout {
        guard !leftOn.isEmpty, leftOn.count == rightOn.count else {
            throw EngineError(.invalidPlan, "A join needs the same number of left_on and right_on columns (got \(leftOn.count) and \(rightOn.count))")
        }
        var lk: [Int] = [], rk: [Int] = []
        for (l, r) in zip(leftOn, rightOn) {
            let lf = try Self.field(l, in: left), rf = try Self.field(r, in: right)
            guard lf.type == rf.type else {
                throw EngineError(.typeMismatch, "Join keys '\(l)' (\(lf.type.rawValue)) and '\(r)' (\(rf.type.rawValue)) have different types")
            }
            lk.append(left.index(of: l)!)
            rk.append(right.index(of: r)!)
        }
        let leftNames = Set(left.fields.map(\.name)), rightNames = Set(right.fields.map(\.name))
        var fields: [Field] = []
        for f in left.fields {
            var g = f
            if rightNames.contains(f.name) { g.name += suffixes.left }
            fields.append(g)
        }
        for f in right.fields {
            var g = f
            if leftNames.contains(f.name) { g.name += suffixes.right }
            fields.append(g)
        }
        var seen = Set<String>()
        for f in fields where !seen.insert(f.name).inserted {
            throw EngineError(.invalidPlan, "The join's output has column '\(f.name)' twice; choose other suffixes")
        }
        return JoinLayout(schema: Schema(name: "", fields: fields), leftKeys: lk, rightKeys: rk)
    }
}

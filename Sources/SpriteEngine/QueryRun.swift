import Synchronization
import SpriteStore

/// The state of one query execution: builds pipelines from logical plans (pruning unused
/// columns) and runs pipeline breakers.
final class QueryRun: @unchecked Sendable {
    let binder: Binder
    let store: TableStore?
    let inputs: [String: [RecordBatch]]
    let context: ExecutionContext
    let limits: ExecutionLimits
    private let counters = Mutex<ExecutionStats>(ExecutionStats())

    init(binder: Binder, store: TableStore?, inputs: [String: [RecordBatch]], context: ExecutionContext, limits: ExecutionLimits) {
        self.binder = binder
        self.store = store
        self.inputs = inputs
        self.context = context
        self.limits = limits
    }

    var stats: ExecutionStats { counters.withLock { $0 } }

    func count(rows: Int, bytes: Int) {
        counters.withLock { $0.rowsProcessed += rows; $0.bytesProcessed += bytes }
    }

    /// Runs `plan` to a single dense batch with exactly the plan's logical schema.
    func materialize(_ plan: LogicalPlan) throws(EngineError) -> RecordBatch {
        let schema = try binder.schema(of: plan)
        let p = try build(plan, required: nil)
        let batch = try collect(p)
        return RecordBatch(unchecked: schema, columns: batch.columns, count: batch.count)
    }

    /// The pipeline for `plan`, producing at least the columns in `required` (`nil`: all).
    func build(_ plan: LogicalPlan, required: Set<String>?) throws(EngineError) -> Pipeline {
        switch plan {
        case .scan(let table, let columns, let start, let end):
            guard let store, let t = store.table(named: table) else {
                throw EngineError(.unknownTable, "Table '\(table)' not found")
            }
            var names = columns ?? t.schema.fields.map(\.name)
            if let required { names = names.filter { required.contains($0) } }
            if names.isEmpty, let first = t.schema.fields.first { names = [first.name] }
            var indices: [Int] = []
            for n in names { indices.append(t.schema.index(of: (try Binder.field(n, in: t.schema)).name)!) }
            let slices = t.scan(start: start, end: end)
            var rows = 0
            for s in slices { rows += s.rows.count }
            let width = indices.reduce(0) { $0 + t.schema.fields[$1].type.fixedWidth }
            count(rows: rows, bytes: rows * width)
            return Pipeline(parts: [.init(source: .table(slices: slices, columns: indices), steps: [])],
                            schema: Schema(name: t.schema.name, fields: indices.map { t.schema.fields[$0] }))
        case .values(let batch):
            return Pipeline(parts: [.init(source: .batches([batch]), steps: [])], schema: batch.schema)
        case .input(let name, let schema):
            guard let batches = inputs[name] else { throw EngineError(.invalidPlan, "No input batches named '\(name)' were provided") }
            var rows = 0, bytes = 0
            for b in batches {
                guard b.schema.fields.map(\.type) == schema.fields.map(\.type) else {
                    throw EngineError(.typeMismatch, "Input '\(name)' has columns \(b.schema.fields.map { "\($0.name): \($0.type.rawValue)" }), expected \(schema.fields.map { "\($0.name): \($0.type.rawValue)" })")
                }
                rows += b.count
                bytes += b.count * schema.fields.reduce(0) { $0 + $1.type.fixedWidth }
            }
            count(rows: rows, bytes: bytes)
            let relabeled = batches.map { RecordBatch(unchecked: schema, columns: $0.columns, count: $0.count) }
            return Pipeline(parts: [.init(source: .batches(relabeled), steps: [])], schema: schema)
        case .filter(let input, let predicate):
            var need = required
            need?.formUnion(predicate.referencedColumns)
            var p = try build(input, required: need)
            var conjuncts: [BoundExpr] = []
            for c in Self.conjuncts(predicate) { conjuncts.append(try binder.bind(c, to: p.schema)) }
            // Cheap (non-string) predicates first: later ones only see the survivors.
            let ordered = conjuncts.filter { !$0.touchesStrings } + conjuncts.filter { $0.touchesStrings }
            for c in ordered { p.append(.filter(c)) }
            return p
        case .map(let input, let exprs):
            let kept = required.map { r in exprs.filter { r.contains($0.name) } } ?? exprs
            var need = Set<String>()
            for e in kept { e.expr.collectColumns(into: &need) }
            var p = try build(input, required: need)
            var bound: [BoundExpr] = []
            var fields: [Field] = []
            for e in kept {
                let b = try binder.bind(e.expr, to: p.schema)
                bound.append(b)
                fields.append(Field(e.name, b.type, b.semanticType))
            }
            p.append(.map(bound))
            p.schema = Schema(name: "", fields: fields)
            return p
        case .aggregate(let input, let keys, let calls, let mode):
            var need = Set(keys)
            for c in calls { need.insert(c.column) }
            let p = try build(input, required: need)
            let batch = try aggregate(p, keys: keys, calls: calls, mode: mode)
            return Pipeline(parts: [.init(source: .batches([batch]), steps: [])], schema: batch.schema)
        case .join(let left, let right, let how, let leftOn, let rightOn, let suffixes):
            let ls = try binder.schema(of: left), rs = try binder.schema(of: right)
            var lneed: Set<String>?, rneed: Set<String>?
            if let required {
                let layout = try binder.joinSchema(left: ls, right: rs, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes)
                var l = Set(leftOn), r = Set(rightOn)
                for (i, f) in layout.schema.fields.enumerated() where required.contains(f.name) {
                    if i < ls.count { l.insert(ls.fields[i].name) } else { r.insert(rs.fields[i - ls.count].name) }
                }
                lneed = l; rneed = r
            }
            let lb = try collect(try build(left, required: lneed))
            let rb = try collect(try build(right, required: rneed))
            let batch = try join(lb, rb, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes)
            return Pipeline(parts: [.init(source: .batches([batch]), steps: [])], schema: batch.schema)
        case .union(let plans):
            var out: Pipeline?
            for plan in plans {
                let p = try build(plan, required: required)
                guard var o = out else { out = p; continue }
                var reordered = p
                if p.schema.fields.map(\.name) != o.schema.fields.map(\.name) {
                    var refs: [BoundExpr] = []
                    for f in o.schema.fields { refs.append(try binder.bind(.column(f.name), to: p.schema)) }
                    reordered.append(.map(refs))
                }
                o.parts.append(contentsOf: reordered.parts)
                out = o
            }
            guard let out else { throw EngineError(.invalidPlan, "A union needs at least one input") }
            return out
        case .limit(let input, let n):
            let p = try build(input, required: required)
            let batch = try collect(p, limit: n)
            return Pipeline(parts: [.init(source: .batches([batch]), steps: [])], schema: batch.schema)
        case .sink(let input, let name):
            var p = try build(input, required: required)
            p.schema.name = name
            return p
        }
    }

    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .call("logicalAnd", let args) = e, args.count == 2 {
            return conjuncts(args[0]) + conjuncts(args[1])
        }
        return [e]
    }
}

extension Pipeline {
    mutating func append(_ step: Step) {
        for i in parts.indices { parts[i].steps.append(step) }
    }
}

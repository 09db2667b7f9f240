import Dispatch
import Synchronization
import SpriteStore

/// Running pipelines morsel by morsel, in parallel.
extension QueryRun {
    /// The chunk a morsel starts as.
    func chunk(_ m: Pipeline.Morsel) -> Chunk {
        switch m.source {
        case .slice(let s, let columns):
            return Chunk(length: s.batch.count, rows: .range(s.rows), slots: columns.map { .stored(s.batch, $0) })
        case .batch(let b, let r):
            return Chunk(length: b.count, rows: .range(r), slots: b.columns.map { .data($0) })
        }
    }

    /// Applies a part's steps; returns `false` once no rows are left.
    func apply(_ steps: [Pipeline.Step], to chunk: inout Chunk, _ evaluator: Evaluator) throws(EngineError) -> Bool {
        for step in steps {
            if chunk.rows.isEmpty { return false }
            switch step {
            case .filter(let predicate):
                if let rows = Evaluator.fastFilter(predicate, &chunk) {
                    chunk.rows = rows
                } else {
                    let mask = try evaluator.evaluate(predicate, &chunk)
                    chunk.rows = Evaluator.select(mask, chunk.rows)
                }
            case .map(let exprs):
                var slots: [Chunk.Slot] = []
                slots.reserveCapacity(exprs.count)
                for e in exprs {
                    switch e {
                    case .column(let i, _): slots.append(chunk.slots[i])
                    default:
                        switch try evaluator.evaluate(e, &chunk) {
                        case .column(let c): slots.append(.data(c))
                        case .scalar(let v): slots.append(.scalar(v))
                        }
                    }
                }
                chunk.slots = slots
            }
        }
        return !chunk.rows.isEmpty
    }

    /// Calls `body(worker, morselIndex, chunk)` for every morsel that has rows after the steps,
    /// on up to `limits.parallelism` threads. Worker ids are `0..<workers`.
    func run(_ p: Pipeline, workers requested: Int? = nil,
             _ body: @escaping (Int, Int, inout Chunk) throws(EngineError) -> Void) throws(EngineError) -> Int {
        let morsels = p.morsels(rows: limits.morselRows)
        let workers = max(1, min(requested ?? limits.parallelism, morsels.count))
        let evaluator = Evaluator(context: context)
        let next = Atomic<Int>(0)
        let failure = Mutex<EngineError?>(nil)
        let work: (Int) -> Void = { w in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= morsels.count || failure.withLock({ $0 != nil }) { return }
                do {
                    var c = self.chunk(morsels[i])
                    if try self.apply(p.parts[morsels[i].part].steps, to: &c, evaluator) {
                        try body(w, i, &c)
                    }
                } catch {
                    let e = (error as? EngineError) ?? EngineError(.badArgument, "\(error)"); failure.withLock { if $0 == nil { $0 = e } }
                    return
                }
            }
        }
        if workers == 1 {
            work(0)
        } else {
            let box = UncheckedBox(work)
            DispatchQueue.concurrentPerform(iterations: workers) { w in box.value(w) }
        }
        if let e = failure.withLock({ $0 }) { throw e }
        return workers
    }

    /// All rows of a pipeline as one dense batch (in morsel order), or the first `limit` rows.
    func collect(_ p: Pipeline, limit: Int? = nil) throws(EngineError) -> RecordBatch {
        let schema = p.schema
        if let limit {
            // Sequential, stopping early.
            var parts: [RecordBatch] = []
            var have = 0
            let evaluator = Evaluator(context: context)
            if limit > 0 {
                for m in p.morsels(rows: limits.morselRows) {
                    var c = chunk(m)
                    guard try apply(p.parts[m.part].steps, to: &c, evaluator) else { continue }
                    if have + c.rows.count > limit { c.rows = c.rows.prefix(limit - have) }
                    have += c.rows.count
                    parts.append(c.materialize(schema))
                    if have >= limit { break }
                }
            }
            return Self.concatenate(parts, schema: schema)
        }
        let results = Mutex<[Int: RecordBatch]>([:])
        _ = try run(p) { (_, i, c) throws(EngineError) in
            let b = c.materialize(schema)
            results.withLock { $0[i] = b }
        }
        let parts = results.withLock { r in r.keys.sorted().map { r[$0]! } }
        return Self.concatenate(parts, schema: schema)
    }

    static func concatenate(_ parts: [RecordBatch], schema: Schema) -> RecordBatch {
        if parts.count == 1 { return RecordBatch(unchecked: schema, columns: parts[0].columns, count: parts[0].count) }
        if parts.isEmpty {
            return RecordBatch(unchecked: schema, columns: schema.fields.map { ColumnData.empty($0.type) }, count: 0)
        }
        let columns = schema.fields.indices.map { i in
            ColumnData.concatenate(parts.map { $0.columns[i] }, type: schema.fields[i].type)
        }
        return RecordBatch(unchecked: schema, columns: columns, count: parts.reduce(0) { $0 + $1.count })
    }
}

/// Carries a non-Sendable closure into `concurrentPerform`; the closure synchronizes its own state.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

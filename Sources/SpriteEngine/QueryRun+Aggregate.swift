import Synchronization
import SpriteStore

/// Hash aggregation: each worker aggregates its morsels into its own group table and states;
/// the workers' results are then merged by key.
extension QueryRun {
    final class WorkerAggregation {
        let table: GroupTable
        let states: [any AggregateState]

        init(keyTypes: [DataType], states: [any AggregateState]) {
            table = GroupTable(keyTypes: keyTypes)
            self.states = states
        }
    }

    func aggregate(_ p: Pipeline, keys: [String], calls: [AggregateCall], mode: AggregateMode) throws(EngineError) -> RecordBatch {
        let input = p.schema
        let outSchema = try binder.aggregateSchema(input: input, keys: keys, calls: calls, mode: mode)
        var keyIndices: [Int] = []
        var keyTypes: [DataType] = []
        for k in keys {
            let f = try Binder.field(k, in: input)
            keyIndices.append(input.index(of: k)!)
            keyTypes.append(f.type)
        }
        var resolved: [Binder.ResolvedAggregate] = []
        for c in calls { resolved.append(try binder.resolveAggregate(c, input: input, mode: mode)) }
        let needsColumn = resolved.map { mode == .final || $0.function.name != "count" }
        let maxGroups = limits.maxGroups
        let workers = Mutex<[Int: WorkerAggregation]>([:])
        let workerCount = try run(p) { (w, _, chunk) throws(EngineError) in
            let agg = workers.withLock { m -> WorkerAggregation in
                if let a = m[w] { return a }
                let a = WorkerAggregation(keyTypes: keyTypes, states: resolved.map { $0.function.makeState($0.inputField.type) })
                m[w] = a
                return a
            }
            var keyColumns: [ColumnData] = []
            for (k, i) in keyIndices.enumerated() { keyColumns.append(chunk.column(i, type: keyTypes[k])) }
            let groups = agg.table.assign(keyColumns, rows: chunk.rows)
            let n = agg.table.count
            guard n <= maxGroups else {
                throw EngineError(.limitExceeded, "The aggregate produced more than \(maxGroups) groups")
            }
            try groups.withUnsafeBufferPointer { (g) throws(EngineError) in
                for (j, r) in resolved.enumerated() {
                    let state = agg.states[j]
                    state.reserve(groups: n)
                    let column = needsColumn[j] ? chunk.column(r.inputIndex, type: input.fields[r.inputIndex].type) : .int64([])
                    if mode == .final {
                        try state.mergeSerialized(column, rows: chunk.rows, groups: g)
                    } else {
                        state.update(column, rows: chunk.rows, groups: g)
                    }
                }
            }
        }
        _ = workerCount
        let all = workers.withLock { m in m.keys.sorted().map { m[$0]! } }
        let main = all.first ?? WorkerAggregation(keyTypes: keyTypes, states: resolved.map { $0.function.makeState($0.inputField.type) })
        for other in all.dropFirst() {
            let keyColumns = other.table.keyColumns()
            let mapping = main.table.assign(keyColumns, rows: .range(0..<other.table.count))
            let n = main.table.count
            mapping.withUnsafeBufferPointer { m in
                for (j, s) in main.states.enumerated() {
                    s.reserve(groups: n)
                    s.merge(other.states[j], mapping: m)
                }
            }
        }
        // Without keys there is always exactly one group, even over no rows.
        let groups = keys.isEmpty ? 1 : main.table.count
        for s in main.states { s.reserve(groups: groups) }
        var columns = main.table.keyColumns()
        for s in main.states {
            columns.append(mode == .partial ? .string(s.serialize(groups: groups)) : s.finalize(groups: groups))
        }
        return RecordBatch(unchecked: outSchema, columns: columns, count: groups)
    }
}

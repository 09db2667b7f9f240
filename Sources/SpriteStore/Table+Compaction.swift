/// Compaction: hot batches (plain buffers, as appended) are merged in the background into cold
/// batches of up to ``Table/compactionTargetRows`` rows, sorted by time and encoded column by
/// column (see ``EncodedColumn``). Readers holding the old batches keep reading them; new scans
/// see the cold batch. A batch is never half-visible.
extension Table {
    /// Rows per cold batch that compaction aims for.
    public static let compactionTargetRows = 65_536

    /// Compacts runs of hot batches. Without `force`, a run is compacted once it holds at least
    /// `targetRows` rows or its oldest batch is older than `maxHotAge` nanoseconds (by `time_`
    /// against the store clock); with `force`, every hot batch is compacted.
    ///
    /// - Returns: the number of cold batches written.
    @discardableResult
    public func compact(force: Bool = false, targetRows: Int = Table.compactionTargetRows,
                        maxHotAge: Int64 = 10_000_000_000) -> Int {
        let snapshot = state.withLock { $0.batches }
        let now = clock.now
        var groups: [[StoredBatch]] = []
        var current: [StoredBatch] = []
        var currentRows = 0
        func close() {
            if !current.isEmpty { groups.append(current) }
            current = []; currentRows = 0
        }
        for b in snapshot {
            if b.isCold { close(); continue }
            if currentRows > 0 && currentRows + b.count > targetRows { close() }
            current.append(b); currentRows += b.count
        }
        close()
        var written = 0
        for group in groups {
            let rows = group.reduce(0) { $0 + $1.count }
            let oldest = group.map(\.maxTime).min() ?? now
            guard force || rows >= targetRows || now &- oldest > maxHotAge else { continue }
            let cold = Self.encode(group, schema: schema)
            let replaced = state.withLock { s -> Bool in
                guard let start = s.batches.firstIndex(where: { $0 === group[0] }),
                      start + group.count <= s.batches.count,
                      zip(s.batches[start..<(start + group.count)], group).allSatisfy({ $0 === $1 })
                else { return false }
                let oldBytes = group.reduce(0) { $0 + $1.allocatedBytes }
                s.batches.replaceSubrange(start..<(start + group.count), with: [cold])
                s.bytes += cold.allocatedBytes - oldBytes
                Self.recomputeRunningMax(&s)
                return true
            }
            if replaced { written += 1 }
        }
        return written
    }

    static func encode(_ group: [StoredBatch], schema: Schema) -> StoredBatch {
        let total = group.reduce(0) { $0 + $1.count }
        var columns: [ColumnData] = schema.fields.indices.map { i in
            group.count == 1 ? group[0].column(i) : ColumnData.concatenate(group.map { $0.column(i) }, type: schema.fields[i].type)
        }
        // Runs are sorted each; the merge is sorted unless their time ranges overlap.
        var ordered = true
        for i in 1..<max(1, group.count) where group[i].minTime < group[i - 1].maxTime { ordered = false; break }
        if !ordered, let t = schema.timeColumnIndex, case .int64(let times) = columns[t] {
            let order = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
            columns = columns.map { $0.gather(order) }
        }
        let encoded = columns.map(EncodedColumn.init)
        let minTime = group.map(\.minTime).min() ?? 0
        let maxTime = group.map(\.maxTime).max() ?? 0
        return StoredBatch(cold: encoded, schema: schema, count: total, minTime: minTime, maxTime: maxTime)
    }
}

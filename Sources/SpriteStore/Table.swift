import Synchronization

/// An append-only, in-memory columnar ring table.
///
/// Writers append whole ``RecordBatch``es; each becomes visible to readers at once and whole.
/// Readers take a snapshot of the batch list under a short lock and scan it without any lock,
/// while writers append and ``compact(force:)`` replaces runs of hot batches with compressed cold
/// ones. Rows leave by age (``RetentionPolicy/window``) and, oldest first, by byte budget.
public final class Table: Sendable {
    /// The table's schema (its name is the table name).
    public let schema: Schema
    /// The table's name.
    public var name: String { schema.name }
    let clock: StoreClock
    let state: Mutex<State>

    struct State: Sendable {
        var batches: [StoredBatch] = []
        /// `runningMax[i]` = the largest `maxTime` of `batches[0...i]`; non-decreasing, so a
        /// binary search finds the first batch that may hold a time.
        var runningMax: [Int64] = []
        var bytes = 0
        var rows = 0
        var policy: RetentionPolicy
        var appendedRows = 0
        var expiredRows = 0
        var evictedRows = 0
    }

    /// Creates an empty table.
    public init(schema: Schema, policy: RetentionPolicy, clock: StoreClock = .system) {
        self.schema = schema
        self.clock = clock
        self.state = Mutex(State(policy: policy))
    }

    /// The retention policy in force.
    public var policy: RetentionPolicy {
        get { state.withLock { $0.policy } }
    }

    /// Changes the retention policy; rows beyond the new limits leave at once.
    public func setPolicy(_ policy: RetentionPolicy) {
        let now = clock.now
        state.withLock { s in
            s.policy = policy
            Self.enforce(&s, now: now)
        }
    }

    /// Appends a batch. It becomes visible to scans whole, and the table then drops what exceeds
    /// its retention window and byte budget.
    ///
    /// - Parameter compacted: encode the batch at once (as compaction would) instead of keeping it
    ///   hot; for bulk loads, so that their peak memory is the compressed size.
    public func append(_ batch: RecordBatch, compacted: Bool = false) throws(StoreError) {
        guard batch.schema.fields == schema.fields else {
            throw StoreError(.schemaMismatch, "batch columns do not match table '\(name)': expected \(schema.fields.map(\.name)), got \(batch.schema.fields.map(\.name))")
        }
        guard batch.count > 0 else { return }
        var batch = RecordBatch(unchecked: schema, columns: batch.columns, count: batch.count)
        batch = Self.sortedByTime(batch)
        let budget = state.withLock { $0.policy.byteBudget }
        // A single batch larger than the whole budget keeps its newest rows only.
        var droppedUpFront = 0
        if batch.allocatedBytes > budget {
            let perRow = max(1, batch.allocatedBytes / batch.count)
            let keep = max(0, min(batch.count, budget / perRow * 9 / 10))
            droppedUpFront = batch.count - keep
            batch = batch.slice(droppedUpFront..<batch.count)
        }
        var stored = batch.count > 0 ? StoredBatch(hot: batch) : nil
        if compacted, let hot = stored { stored = Self.encode([hot], schema: schema) }
        let now = clock.now
        state.withLock { s in
            s.appendedRows += batch.count + droppedUpFront
            s.evictedRows += droppedUpFront
            if let stored {
                s.batches.append(stored)
                s.runningMax.append(max(s.runningMax.last ?? .min, stored.maxTime))
                s.bytes += stored.allocatedBytes
                s.rows += stored.count
            }
            Self.enforce(&s, now: now)
        }
    }

    /// Drops rows older than the retention window (called periodically by the store).
    public func expire() {
        let now = clock.now
        state.withLock { Self.enforce(&$0, now: now) }
    }

    /// The batches overlapping `start...end` (nanoseconds; `nil` for open ends), each with the rows
    /// in range. Rows older than the retention window are never returned, even before their batch
    /// is dropped. The first batch is found by binary search on batch time bounds.
    public func scan(start: Int64? = nil, end: Int64? = nil) -> [BatchSlice] {
        let now = clock.now
        let (batches, runningMax, window) = state.withLock { ($0.batches, $0.runningMax, $0.policy.window) }
        var lo = start ?? .min
        if let window { lo = max(lo, now &- window) }
        let hi = end ?? .max
        guard lo <= hi else { return [] }
        // First batch whose running max reaches `lo`: every earlier batch ends before `lo`.
        var first = 0, last = runningMax.count
        while first < last {
            let mid = (first + last) >> 1
            if runningMax[mid] < lo { first = mid + 1 } else { last = mid }
        }
        var out: [BatchSlice] = []
        out.reserveCapacity(batches.count - first)
        for b in batches[first...] where b.maxTime >= lo && b.minTime <= hi {
            let rows = b.rows(from: lo, through: hi)
            if !rows.isEmpty { out.append(BatchSlice(batch: b, rows: rows)) }
        }
        return out
    }

    /// The table's current size and contents.
    public var info: TableInfo {
        let now = clock.now
        return state.withLock { s in
            var hot = 0, cold = 0, hotN = 0, coldN = 0
            for b in s.batches {
                if b.isCold { cold += b.allocatedBytes; coldN += 1 } else { hot += b.allocatedBytes; hotN += 1 }
            }
            var oldest = s.batches.lazy.map(\.minTime).min()
            if let o = oldest, let w = s.policy.window { oldest = max(o, now &- w) }
            return TableInfo(
                name: name, rows: s.rows, bytes: s.bytes, hotBytes: hot, coldBytes: cold,
                hotBatches: hotN, coldBatches: coldN, oldestTime: oldest,
                newestTime: s.runningMax.last, byteBudget: s.policy.byteBudget,
                retentionWindow: s.policy.window, appendedRows: s.appendedRows,
                expiredRows: s.expiredRows, evictedRows: s.evictedRows)
        }
    }

    // MARK: - Internals

    static func enforce(_ s: inout State, now: Int64) {
        var drop = 0
        if let window = s.policy.window {
            let cutoff = now &- window
            while drop < s.batches.count, s.batches[drop].maxTime < cutoff {
                s.expiredRows += s.batches[drop].count
                s.bytes -= s.batches[drop].allocatedBytes
                s.rows -= s.batches[drop].count
                drop += 1
            }
        }
        while s.bytes > s.policy.byteBudget, drop < s.batches.count {
            s.evictedRows += s.batches[drop].count
            s.bytes -= s.batches[drop].allocatedBytes
            s.rows -= s.batches[drop].count
            drop += 1
        }
        if drop > 0 {
            s.batches.removeFirst(drop)
            recomputeRunningMax(&s)
        }
    }

    static func recomputeRunningMax(_ s: inout State) {
        s.runningMax.removeAll(keepingCapacity: true)
        var m = Int64.min
        for b in s.batches { m = max(m, b.maxTime); s.runningMax.append(m) }
    }

    /// The batch with rows in time order (unchanged when already ordered, the common case).
    static func sortedByTime(_ batch: RecordBatch) -> RecordBatch {
        guard let t = batch.schema.timeColumnIndex, case .int64(let times) = batch.columns[t] else { return batch }
        var sorted = true
        for i in 1..<max(1, times.count) where times[i] < times[i - 1] { sorted = false; break }
        if sorted { return batch }
        let order = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
        return RecordBatch(unchecked: batch.schema, columns: batch.columns.map { $0.gather(order) }, count: batch.count)
    }
}

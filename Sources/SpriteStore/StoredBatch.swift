import Synchronization

/// A batch as a table holds it: immutable, either hot (plain buffers, just appended) or cold
/// (compacted and encoded). Rows are sorted by `time_`.
public final class StoredBatch: Sendable {
    enum Content: Sendable {
        case hot(RecordBatch)
        case cold([EncodedColumn])
    }

    /// The batch's schema.
    public let schema: Schema
    /// Rows in the batch.
    public let count: Int
    /// Smallest and largest `time_` (0 when the table has no time column).
    public let minTime: Int64
    public let maxTime: Int64
    /// Bytes held by the batch's buffers.
    public let allocatedBytes: Int
    let content: Content
    /// The row times, kept decoded for range search (also the `time_` column's values).
    let times: [Int64]

    init(hot batch: RecordBatch) {
        schema = batch.schema
        count = batch.count
        content = .hot(batch)
        if let t = batch.schema.timeColumnIndex, case .int64(let v) = batch.columns[t] { times = v } else { times = [] }
        minTime = times.first ?? 0
        maxTime = times.last ?? 0
        allocatedBytes = batch.allocatedBytes
    }

    init(cold columns: [EncodedColumn], schema: Schema, count: Int, minTime: Int64, maxTime: Int64) {
        self.schema = schema
        self.count = count
        self.content = .cold(columns)
        self.minTime = minTime
        self.maxTime = maxTime
        self.times = []
        self.allocatedBytes = columns.reduce(0) { $0 + $1.allocatedBytes }
    }

    /// Whether the batch has been compacted.
    public var isCold: Bool {
        if case .cold = content { return true }
        return false
    }

    /// Column `index`, decoded. Cold string columns stay dictionary-encoded.
    public func column(_ index: Int) -> ColumnData {
        switch content {
        case .hot(let batch): return batch.columns[index]
        case .cold(let columns): return columns[index].decode()
        }
    }

    /// All columns decoded, as a record batch.
    public func decoded() -> RecordBatch {
        switch content {
        case .hot(let batch): return batch
        case .cold(let columns): return RecordBatch(unchecked: schema, columns: columns.map { $0.decode() }, count: count)
        }
    }

    /// The rows whose time lies in `start...end` (rows are sorted by time).
    public func rows(from start: Int64, through end: Int64) -> Range<Int> {
        if start <= minTime && end >= maxTime { return 0..<count }
        if start > maxTime || end < minTime { return 0..<0 }
        guard let t = schema.timeColumnIndex else { return 0..<count }
        let times: [Int64]
        if self.times.isEmpty, case .int64(let v) = column(t) { times = v } else { times = self.times }
        return lowerBound(times, start)..<lowerBound(times, end &+ 1 < end ? end : end &+ 1)
    }

    private func lowerBound(_ a: [Int64], _ x: Int64) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// A part of a stored batch that a scan reads: the batch and the rows in the scan's time range.
public struct BatchSlice: Sendable {
    /// The batch.
    public let batch: StoredBatch
    /// The rows of `batch` to read.
    public let rows: Range<Int>
}

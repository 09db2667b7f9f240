/// An immutable set of rows stored column by column, all columns of equal length.
///
/// Batches are the unit of appending, retention and scanning: a batch is either wholly visible to
/// a reader or not at all.
public struct RecordBatch: Sendable {
    /// The columns' names and types.
    public let schema: Schema
    /// One entry per schema field, each with ``count`` values.
    public let columns: [ColumnData]
    /// The number of rows.
    public let count: Int

    /// Builds a batch, checking that the columns match the schema.
    public init(schema: Schema, columns: [ColumnData]) throws(StoreError) {
        guard columns.count == schema.count else {
            throw StoreError(.schemaMismatch, "batch has \(columns.count) columns but schema '\(schema.name)' has \(schema.count)")
        }
        let n = columns.first?.count ?? 0
        for (i, column) in columns.enumerated() {
            let field = schema.fields[i]
            guard column.matches(field.type) else {
                throw StoreError(.schemaMismatch, "column '\(field.name)' holds the wrong kind of values for \(field.type.rawValue)")
            }
            guard column.count == n else {
                throw StoreError(.schemaMismatch, "column '\(field.name)' has \(column.count) values, expected \(n)")
            }
        }
        self.schema = schema
        self.columns = columns
        self.count = n
    }

    /// Builds a batch without checks; for callers that constructed the columns from the schema.
    public init(unchecked schema: Schema, columns: [ColumnData], count: Int) {
        self.schema = schema
        self.columns = columns
        self.count = count
    }

    /// The column called `name`.
    public func column(named name: String) -> ColumnData? {
        schema.index(of: name).map { columns[$0] }
    }

    /// Row `index` as values (slow; for tests and display).
    public func row(_ index: Int) -> [Value] {
        columns.enumerated().map { $0.element.value(at: index, as: schema.fields[$0.offset].type) }
    }

    /// Bytes held by the batch's buffers.
    public var allocatedBytes: Int {
        columns.reduce(0) { $0 + $1.allocatedBytes }
    }

    /// Rows `range` as a new batch.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        RecordBatch(unchecked: schema, columns: columns.map { $0.slice(range) }, count: range.count)
    }

    /// The smallest and largest `time_` of the batch, or `nil` when it has no time column or no rows.
    public var timeBounds: (min: Int64, max: Int64)? {
        guard count > 0, let t = schema.timeColumnIndex, case .int64(let times) = columns[t] else { return nil }
        var lo = Int64.max, hi = Int64.min
        for v in times { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        return (lo, hi)
    }
}

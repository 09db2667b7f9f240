/// Accumulates rows for one schema and turns them into ``RecordBatch``es.
///
/// Writers (the collector's parsers, CSV loading) append rows here and hand finished batches to a
/// ``Table``. Appends are typed per column, so no per-row boxing happens on the hot path:
///
/// ```swift
/// var builder = RecordBatchBuilder(schema: Schemas.processStats)
/// builder.append(time: now, to: 0)
/// ...
/// builder.finishRow()
/// ```
public struct RecordBatchBuilder: Sendable {
    /// The schema of the rows.
    public let schema: Schema
    @usableFromInline var columns: [ColumnData]
    /// Rows completed so far.
    public private(set) var count: Int = 0
    private let capacity: Int

    /// A builder that reserves room for `capacity` rows.
    public init(schema: Schema, capacity: Int = 1024) {
        self.schema = schema
        self.capacity = capacity
        self.columns = schema.fields.map { ColumnData.empty($0.type, capacity: capacity) }
    }

    /// Appends a whole row of values; throws if a value's type does not match its column.
    public mutating func append(row: [Value]) throws(StoreError) {
        guard row.count == schema.count else {
            throw StoreError(.schemaMismatch, "row has \(row.count) values but '\(schema.name)' has \(schema.count) columns")
        }
        for (i, value) in row.enumerated() where !Self.fits(value, schema.fields[i].type) {
            throw StoreError(.schemaMismatch, "column '\(schema.fields[i].name)' expects \(schema.fields[i].type.rawValue), got \(value.type.rawValue)")
        }
        for (i, value) in row.enumerated() { append(value, to: i) }
        count += 1
    }

    private static func fits(_ value: Value, _ type: DataType) -> Bool {
        value.type == type || (value.type == .int64 && type == .time64ns) || (value.type == .time64ns && type == .int64)
    }

    /// Appends one value to column `column` of the row under construction (no type check beyond
    /// the storage kind; a mismatch is a programming error).
    public mutating func append(_ value: Value, to column: Int) {
        switch value {
        case .boolean(let v): append(v, to: column)
        case .int64(let v), .time64ns(let v): append(v, to: column)
        case .uint128(let v): append(v, to: column)
        case .float64(let v): append(v, to: column)
        case .string(let v): append(v, to: column)
        }
    }

    public mutating func append(_ v: Int64, to column: Int) {
        guard case .int64(var a) = columns[column] else { preconditionFailure("column \(column) is not INT64/TIME64NS") }
        columns[column] = .boolean([])
        a.append(v)
        columns[column] = .int64(a)
    }

    public mutating func append(_ v: Double, to column: Int) {
        guard case .float64(var a) = columns[column] else { preconditionFailure("column \(column) is not FLOAT64") }
        columns[column] = .boolean([])
        a.append(v)
        columns[column] = .float64(a)
    }

    public mutating func append(_ v: Bool, to column: Int) {
        guard case .boolean(var a) = columns[column] else { preconditionFailure("column \(column) is not BOOLEAN") }
        columns[column] = .int64([])
        a.append(v)
        columns[column] = .boolean(a)
    }

    public mutating func append(_ v: UInt128, to column: Int) {
        guard case .uint128(var a) = columns[column] else { preconditionFailure("column \(column) is not UINT128") }
        columns[column] = .boolean([])
        a.append(v)
        columns[column] = .uint128(a)
    }

    public mutating func append(_ v: String, to column: Int) {
        guard case .string(var a) = columns[column] else { preconditionFailure("column \(column) is not STRING") }
        columns[column] = .boolean([])
        a.append(v)
        columns[column] = .string(a)
    }

    /// Marks the row under construction complete; every column must have received one value.
    public mutating func finishRow() {
        count += 1
        assert(columns.allSatisfy { $0.count == count }, "finishRow() with a column missing a value")
    }

    /// Returns the rows appended so far as a batch and starts over, empty.
    public mutating func finish() -> RecordBatch {
        let batch = RecordBatch(unchecked: schema, columns: columns, count: count)
        columns = schema.fields.map { ColumnData.empty($0.type, capacity: capacity) }
        count = 0
        return batch
    }
}

/// Accumulates rows for one schema and turns them into ``RecordBatch``es.
///
/// Writers (the collector's parsers, CSV loading) append rows here and hand finished batches to a
/// ``Table``. Appends are typed per column and inlinable, so no per-row boxing or dynamic dispatch
/// happens on the hot path:
///
/// ```swift
/// var builder = RecordBatchBuilder(schema: Schemas.processStats)
/// builder.append(now, to: 0)          // time_
/// builder.append(upid.value, to: 1)   // upid
/// ...
/// builder.finishRow()
/// try table.append(builder.finish())
/// ```
public struct RecordBatchBuilder: Sendable {
    /// The schema of the rows.
    public let schema: Schema
    /// Column index -> index into the typed buffer list of its kind.
    @usableFromInline let slots: [Int]
    @usableFromInline var ints: [[Int64]]
    @usableFromInline var floats: [[Double]]
    @usableFromInline var bools: [[Bool]]
    @usableFromInline var wides: [[UInt128]]
    @usableFromInline var strings: [StringArray]
    @usableFromInline var _count: Int = 0
    /// Rows completed so far.
    @inlinable public var count: Int { _count }
    private let capacity: Int

    /// A builder that reserves room for `capacity` rows.
    public init(schema: Schema, capacity: Int = 1024) {
        self.schema = schema
        self.capacity = capacity
        var slots: [Int] = []
        var counts = [0, 0, 0, 0, 0]
        for f in schema.fields {
            let kind = Self.kind(f.type)
            slots.append(counts[kind])
            counts[kind] += 1
        }
        self.slots = slots
        ints = Array(repeating: [], count: counts[0])
        floats = Array(repeating: [], count: counts[1])
        bools = Array(repeating: [], count: counts[2])
        wides = Array(repeating: [], count: counts[3])
        strings = Array(repeating: StringArray(), count: counts[4])
        reserve()
    }

    private static func kind(_ t: DataType) -> Int {
        switch t {
        case .int64, .time64ns: 0
        case .float64: 1
        case .boolean: 2
        case .uint128: 3
        case .string: 4
        }
    }

    private mutating func reserve() {
        for i in ints.indices { ints[i].reserveCapacity(capacity) }
        for i in floats.indices { floats[i].reserveCapacity(capacity) }
        for i in bools.indices { bools[i].reserveCapacity(capacity) }
        for i in wides.indices { wides[i].reserveCapacity(capacity) }
        for i in strings.indices { strings[i].reserveCapacity(count: capacity, bytes: capacity * 8) }
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
        finishRow()
    }

    private static func fits(_ value: Value, _ type: DataType) -> Bool {
        value.type == type || (value.type == .int64 && type == .time64ns) || (value.type == .time64ns && type == .int64)
    }

    /// Appends one value to column `column` of the row under construction. The value's kind must
    /// match the column's type (INT64 and TIME64NS are interchangeable).
    public mutating func append(_ value: Value, to column: Int) {
        switch value {
        case .boolean(let v): append(v, to: column)
        case .int64(let v), .time64ns(let v): append(v, to: column)
        case .uint128(let v): append(v, to: column)
        case .float64(let v): append(v, to: column)
        case .string(let v): append(v, to: column)
        }
    }

    /// Appends to an INT64 or TIME64NS column.
    @inlinable public mutating func append(_ v: Int64, to column: Int) { ints[slots[column]].append(v) }
    /// Appends to a FLOAT64 column.
    @inlinable public mutating func append(_ v: Double, to column: Int) { floats[slots[column]].append(v) }
    /// Appends to a BOOLEAN column.
    @inlinable public mutating func append(_ v: Bool, to column: Int) { bools[slots[column]].append(v) }
    /// Appends to a UINT128 column.
    @inlinable public mutating func append(_ v: UInt128, to column: Int) { wides[slots[column]].append(v) }
    /// Appends to a STRING column.
    @inlinable public mutating func append(_ v: String, to column: Int) { strings[slots[column]].append(v) }
    /// Appends UTF-8 bytes to a STRING column.
    @inlinable public mutating func append(utf8 v: UnsafeBufferPointer<UInt8>, to column: Int) {
        strings[slots[column]].append(utf8: v)
    }

    /// Marks the row under construction complete; every column must have received one value.
    @inlinable public mutating func finishRow() {
        _count += 1
    }

    /// Returns the rows appended so far as a batch and starts over, empty.
    public mutating func finish() -> RecordBatch {
        var columns: [ColumnData] = []
        columns.reserveCapacity(schema.count)
        for (i, f) in schema.fields.enumerated() {
            let s = slots[i]
            switch f.type {
            case .int64, .time64ns: columns.append(.int64(ints[s])); ints[s] = []
            case .float64: columns.append(.float64(floats[s])); floats[s] = []
            case .boolean: columns.append(.boolean(bools[s])); bools[s] = []
            case .uint128: columns.append(.uint128(wides[s])); wides[s] = []
            case .string: columns.append(.string(strings[s])); strings[s] = StringArray()
            }
            precondition(columns[i].count == count, "column '\(f.name)' has \(columns[i].count) values for \(count) rows")
        }
        let batch = RecordBatch(unchecked: schema, columns: columns, count: count)
        _count = 0
        reserve()
        return batch
    }
}

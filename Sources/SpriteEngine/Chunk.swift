import SpriteStore

/// A morsel of rows flowing through a pipeline: physical column buffers plus the active rows.
///
/// Scanned columns stay undecoded until an operator reads them; maps pass columns through
/// without copying; constants stay scalar until output.
struct Chunk {
    enum Slot {
        case data(ColumnData)
        case stored(StoredBatch, Int)
        case scalar(Value)
    }

    /// The physical length of every column buffer.
    let length: Int
    /// The rows still in the chunk.
    var rows: RowSet
    var slots: [Slot]

    init(length: Int, rows: RowSet, slots: [Slot]) {
        self.length = length
        self.rows = rows
        self.slots = slots
    }

    /// Column `i` as an operand, decoding a stored column on first use.
    mutating func operand(_ i: Int) -> Operand {
        switch slots[i] {
        case .data(let c): return .column(c)
        case .scalar(let v): return .scalar(v)
        case .stored(let b, let index):
            let c = b.column(index)
            slots[i] = .data(c)
            return .column(c)
        }
    }

    /// Column `i` as a physical column (constants expanded).
    mutating func column(_ i: Int, type: DataType) -> ColumnData {
        switch operand(i) {
        case .column(let c): return c
        case .scalar(let v): return ColumnBuilder.repeating(v, type: type, count: length)
        }
    }

    /// The active rows as a dense batch of the given schema.
    mutating func materialize(_ schema: Schema) -> RecordBatch {
        let n = rows.count
        var columns: [ColumnData] = []
        columns.reserveCapacity(slots.count)
        let isFull: Bool
        if case .range(let r) = rows, r == 0..<length { isFull = true } else { isFull = false }
        for i in slots.indices {
            switch operand(i) {
            case .scalar(let v):
                columns.append(ColumnBuilder.repeating(v, type: schema.fields[i].type, count: n))
            case .column(let c):
                columns.append(isFull ? c : ColumnBuilder.gather(c, rows))
            }
        }
        return RecordBatch(unchecked: schema, columns: columns, count: n)
    }
}

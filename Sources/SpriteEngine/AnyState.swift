import SpriteStore

/// `px.any`: one value of each group (the first one seen), of any type.
final class AnyState: AggregateState {
    let type: DataType
    var values: [Value?] = []

    init(type: DataType) { self.type = type }

    func reserve(groups n: Int) { grow(&values, n, nil) }

    func update(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) {
        rows.forEachIndexed { k, i in
            let g = Int(groups[k])
            if values[g] == nil { values[g] = column.value(at: i, as: type) }
        }
    }

    func merge(_ other: any AggregateState, mapping: UnsafeBufferPointer<UInt32>) {
        let o = other as! AnyState
        for (g, v) in o.values.enumerated() where v != nil && values[Int(mapping[g])] == nil {
            values[Int(mapping[g])] = v
        }
    }

    func serialize(groups n: Int) -> StringArray {
        serializeEach(n) { g, w in
            guard let v = values[g] else { w.write(UInt8(0)); return }
            w.write(UInt8(1))
            switch v {
            case .boolean(let b): w.write(UInt8(b ? 1 : 0))
            case .int64(let x), .time64ns(let x): w.write(x)
            case .float64(let x): w.write(x)
            case .uint128(let x): w.write(x)
            case .string(let s): w.write(bytes: Array(s.utf8))
            }
        }
    }

    func mergeSerialized(_ column: ColumnData, rows: RowSet, groups: UnsafeBufferPointer<UInt32>) throws(EngineError) {
        try forEachState(column, rows: rows, groups: groups) { (r, g) throws(EngineError) in
            guard try r.readUInt8() == 1, values[g] == nil else { return }
            switch type {
            case .boolean: values[g] = .boolean(try r.readUInt8() != 0)
            case .int64: values[g] = .int64(try r.readInt64())
            case .time64ns: values[g] = .time64ns(try r.readInt64())
            case .float64: values[g] = .float64(try r.readDouble())
            case .uint128: values[g] = .uint128(try r.readUInt128())
            case .string: values[g] = .string(String(decoding: try r.readBytes(), as: UTF8.self))
            }
        }
    }

    func finalize(groups n: Int) -> ColumnData {
        var b = RecordBatchBuilder(schema: Schema(fields: [Field("v", type)]), capacity: n)
        for g in 0..<n {
            b.append(values[g] ?? .zero(of: type), to: 0)
            b.finishRow()
        }
        return b.finish().columns[0]
    }
}

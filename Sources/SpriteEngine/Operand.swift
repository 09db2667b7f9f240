import SpriteStore

/// A kernel argument or result: a physical-aligned column (values valid at the chunk's active
/// rows) or one constant for every row.
enum Operand: Sendable {
    case column(ColumnData)
    case scalar(Value)

    /// The constant, when the operand is one.
    var scalarValue: Value? {
        if case .scalar(let v) = self { return v }
        return nil
    }
}

/// A fixed-width value type a column can hold, for generic kernel helpers.
protocol ColumnElement: Sendable {
    static func values(_ column: ColumnData) -> [Self]
    static func scalar(_ value: Value) -> Self
    static func column(_ values: [Self]) -> ColumnData
    func value(as type: DataType) -> Value
}

extension Int64: ColumnElement {
    @inline(__always) static func values(_ column: ColumnData) -> [Int64] {
        if case .int64(let v) = column { return v }
        preconditionFailure("expected an INT64 column")
    }
    @inline(__always) static func scalar(_ value: Value) -> Int64 {
        switch value {
        case .int64(let v), .time64ns(let v): return v
        case .boolean(let b): return b ? 1 : 0
        case .float64(let d): return Int64(exactly: d.rounded(.towardZero)) ?? 0
        default: preconditionFailure("expected an INT64 value")
        }
    }
    @inline(__always) static func column(_ values: [Int64]) -> ColumnData { .int64(values) }
    @inline(__always) func value(as type: DataType) -> Value { type == .time64ns ? .time64ns(self) : .int64(self) }
}

extension Double: ColumnElement {
    @inline(__always) static func values(_ column: ColumnData) -> [Double] {
        if case .float64(let v) = column { return v }
        preconditionFailure("expected a FLOAT64 column")
    }
    @inline(__always) static func scalar(_ value: Value) -> Double {
        switch value {
        case .float64(let v): return v
        case .int64(let v), .time64ns(let v): return Double(v)
        default: preconditionFailure("expected a FLOAT64 value")
        }
    }
    @inline(__always) static func column(_ values: [Double]) -> ColumnData { .float64(values) }
    @inline(__always) func value(as type: DataType) -> Value { .float64(self) }
}

extension Bool: ColumnElement {
    @inline(__always) static func values(_ column: ColumnData) -> [Bool] {
        if case .boolean(let v) = column { return v }
        preconditionFailure("expected a BOOLEAN column")
    }
    @inline(__always) static func scalar(_ value: Value) -> Bool {
        switch value {
        case .boolean(let v): return v
        case .int64(let v): return v != 0
        default: preconditionFailure("expected a BOOLEAN value")
        }
    }
    @inline(__always) static func column(_ values: [Bool]) -> ColumnData { .boolean(values) }
    @inline(__always) func value(as type: DataType) -> Value { .boolean(self) }
}

extension UInt128: ColumnElement {
    @inline(__always) static func values(_ column: ColumnData) -> [UInt128] {
        if case .uint128(let v) = column { return v }
        preconditionFailure("expected a UINT128 column")
    }
    @inline(__always) static func scalar(_ value: Value) -> UInt128 {
        if case .uint128(let v) = value { return v }
        preconditionFailure("expected a UINT128 value")
    }
    @inline(__always) static func column(_ values: [UInt128]) -> ColumnData { .uint128(values) }
    @inline(__always) func value(as type: DataType) -> Value { .uint128(self) }
}

/// A typed argument: one constant or a column's values.
enum Arg<T: ColumnElement> {
    case scalar(T)
    case column([T])

    @inline(__always) init(_ operand: Operand) {
        switch operand {
        case .scalar(let v): self = .scalar(T.scalar(v))
        case .column(let c): self = .column(T.values(c))
        }
    }

    @inline(__always) subscript(i: Int) -> T {
        switch self {
        case .scalar(let v): v
        case .column(let a): a[i]
        }
    }
}

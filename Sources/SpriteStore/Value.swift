/// One scalar value of any column type.
///
/// Used at the edges of the system (row-wise appends, literals, JSON output); the engine works on
/// whole columns instead.
public enum Value: Sendable, Hashable {
    case boolean(Bool)
    case int64(Int64)
    case uint128(UInt128)
    case float64(Double)
    case string(String)
    case time64ns(Int64)

    /// The value's physical type.
    public var type: DataType {
        switch self {
        case .boolean: .boolean
        case .int64: .int64
        case .uint128: .uint128
        case .float64: .float64
        case .string: .string
        case .time64ns: .time64ns
        }
    }

    /// The zero value of a type: what a left join fills in where the right side has no row.
    public static func zero(of type: DataType) -> Value {
        switch type {
        case .boolean: .boolean(false)
        case .int64: .int64(0)
        case .uint128: .uint128(0)
        case .float64: .float64(0)
        case .string: .string("")
        case .time64ns: .time64ns(0)
        }
    }
}

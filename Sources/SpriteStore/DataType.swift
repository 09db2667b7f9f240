/// The physical type of a column, named as Pixie names them.
public enum DataType: String, Sendable, Hashable, CaseIterable, Codable {
    case boolean = "BOOLEAN"
    case int64 = "INT64"
    case uint128 = "UINT128"
    case float64 = "FLOAT64"
    case string = "STRING"
    case time64ns = "TIME64NS"

    /// Bytes one value occupies in a fixed-width buffer (strings: the offset entry).
    public var fixedWidth: Int {
        switch self {
        case .boolean: 1
        case .int64, .time64ns, .float64: 8
        case .uint128: 16
        case .string: 4
        }
    }
}

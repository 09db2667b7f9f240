extension ColumnData {
    /// The values of `parts`, one after another, as one plain column. All parts must hold the
    /// same kind of values (string and dictionary parts mix).
    public static func concatenate(_ parts: [ColumnData], type: DataType) -> ColumnData {
        let total = parts.reduce(0) { $0 + $1.count }
        switch type {
        case .boolean:
            var out = [Bool](); out.reserveCapacity(total)
            for case .boolean(let v) in parts { out.append(contentsOf: v) }
            return .boolean(out)
        case .int64, .time64ns:
            var out = [Int64](); out.reserveCapacity(total)
            for case .int64(let v) in parts { out.append(contentsOf: v) }
            return .int64(out)
        case .float64:
            var out = [Double](); out.reserveCapacity(total)
            for case .float64(let v) in parts { out.append(contentsOf: v) }
            return .float64(out)
        case .uint128:
            var out = [UInt128](); out.reserveCapacity(total)
            for case .uint128(let v) in parts { out.append(contentsOf: v) }
            return .uint128(out)
        case .string:
            var byteCount = 0
            for p in parts {
                if case .string(let s) = p { byteCount += s.bytes.count } else { byteCount += p.count * 16 }
            }
            var out = StringArray(reservingCapacity: total, byteCapacity: byteCount)
            for p in parts {
                switch p {
                case .string(let s):
                    for i in 0..<s.count { out.append(from: s, at: i) }
                case .dictionary(let codes, let dict):
                    for c in codes { out.append(from: dict, at: Int(c)) }
                default:
                    break
                }
            }
            return .string(out)
        }
    }
}

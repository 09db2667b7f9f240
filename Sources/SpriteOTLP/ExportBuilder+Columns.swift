import SpriteStore

extension ExportBuilder {
    /// Typed access to the export frame's columns by name, with errors naming the column.
    struct Columns {
        let batch: RecordBatch
        let index: [String: Int]

        init(_ batch: RecordBatch) throws(OTLPError) {
            self.batch = batch
            var m: [String: Int] = [:]
            for (i, f) in batch.schema.fields.enumerated() { m[f.name] = i }
            index = m
        }

        func column(_ name: String) throws(OTLPError) -> (ColumnData, DataType) {
            guard let i = index[name] else {
                throw OTLPError(.badSpec, "the export refers to column '\(name)', which the data frame does not have")
            }
            return (batch.columns[i], batch.schema.fields[i].type)
        }

        func value(_ source: ValueSource, _ row: Int) throws(OTLPError) -> AttributeValue {
            switch source {
            case .constant(let s): return .string(s)
            case .column(let name):
                let (c, type) = try column(name)
                switch c.value(at: row, as: type) {
                case .string(let s): return .string(s)
                case .boolean(let b): return .bool(b)
                case .int64(let i), .time64ns(let i): return .int(i)
                case .float64(let d): return .double(d)
                case .uint128(let u): return .string(UPID.format(u))
                }
            }
        }

        func text(_ source: ValueSource, _ row: Int) throws(OTLPError) -> String {
            switch try value(source, row) {
            case .string(let s): s
            case .bool(let b): b ? "true" : "false"
            case .int(let i): String(i)
            case .double(let d): String(d)
            }
        }

        func int(_ name: String, _ row: Int) throws(OTLPError) -> Int64 {
            let (c, _) = try column(name)
            switch c {
            case .int64(let v): return v[row]
            case .float64(let v): return Int64(exactly: v[row].rounded()) ?? 0
            default: throw OTLPError(.badSpec, "column '\(name)' must be a number or a time")
            }
        }

        func double(_ name: String, _ row: Int) throws(OTLPError) -> Double {
            let (c, _) = try column(name)
            switch c {
            case .int64(let v): return Double(v[row])
            case .float64(let v): return v[row]
            default: throw OTLPError(.badSpec, "column '\(name)' must be numeric")
            }
        }

        func number(_ name: String, _ row: Int) throws(OTLPError) -> NumberPoint.Number {
            let (c, _) = try column(name)
            switch c {
            case .int64(let v): return .int(v[row])
            case .float64(let v): return .double(v[row])
            default: throw OTLPError(.badSpec, "column '\(name)' must be numeric (a gauge value)")
            }
        }

        /// A trace or span id from hex text (dashes ignored), or from an INT64/UINT128 value.
        func id(_ name: String, _ row: Int, bytes n: Int) throws(OTLPError) -> [UInt8] {
            let (c, type) = try column(name)
            var value: UInt128 = 0
            switch c.value(at: row, as: type) {
            case .string(let s):
                var digits = 0
                for ch in s.utf8 {
                    guard let d = Self.hexDigit(ch) else { if ch == UInt8(ascii: "-") { continue }; return [UInt8](repeating: 0, count: n) }
                    value = (value << 4) | UInt128(d); digits += 1
                    if digits > 32 { break }
                }
            case .int64(let i): value = UInt128(UInt64(bitPattern: i))
            case .uint128(let u): value = u
            default: break
            }
            return (0..<n).map { UInt8(truncatingIfNeeded: value >> UInt128(8 * (n - 1 - $0))) }
        }

        static func hexDigit(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }

        func attributes(_ sources: [AttributeSource], _ row: Int) throws(OTLPError) -> [Attribute] {
            try sources.map { (s) throws(OTLPError) in Attribute(s.key, try value(s.source, row)) }
        }
    }
}

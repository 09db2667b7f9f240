

/// Writes JSON text into a byte buffer, fast enough for result sets of many rows.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Bytes that are already JSON.
    public mutating func append(_ json: [UInt8]) { bytes.append(contentsOf: json) }

    /// A JSON string literal, escaped.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var runStart = 0
        for (i, c) in utf8.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                bytes.append(hex[Int(c >> 4)]); bytes.append(hex[Int(c & 0xF)])
            }
            runStart = i + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ v: Int64) {
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 { d[count] = UInt8(n % 10) + 48; n /= 10; count += 1 }
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    public mutating func double(_ v: Double) {
        if v.isFinite {
            if v == v.rounded(), abs(v) < 1e15 { int(Int64(v)); return }
            bytes.append(contentsOf: "\(v)".utf8)
        } else {
            raw("null")
        }
    }

    public mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }

    /// A value of a column as JSON: TIME64NS as integer ns, UINT128 as UUID text.
    public mutating func value(_ column: ColumnData, at row: Int, type: DataType) {
        switch column {
        case .boolean(let v): bool(v[row])
        case .int64(let v): int(v[row])
        case .float64(let v): double(v[row])
        case .uint128(let v): string(UPID.format(v[row]))
        case .string(let s): s.withUTF8(at: row) { string(utf8: $0) }
        case .dictionary(let codes, let dict): dict.withUTF8(at: Int(codes[row])) { string(utf8: $0) }
        }
    }
}

/// Turns CSV text (RFC 4180: a header line of column names, `"`-quoted fields with `""` escapes)
/// into record batches of a table's schema.
///
/// Header names are matched to schema columns by name; schema columns missing from the header get
/// their type's zero value, header columns not in the schema are an error. Values parse as: INT64
/// and TIME64NS decimal integers, FLOAT64 decimals, BOOLEAN `true`/`false`/`1`/`0`, UINT128 the
/// UUID-style text of ``UPID`` or a decimal integer, STRING as is.
public struct CSVBatchReader: Sendable {
    /// The schema rows are parsed into.
    public let schema: Schema
    /// Rows per batch produced.
    public let batchRows: Int

    public init(schema: Schema, batchRows: Int = 65_536) {
        self.schema = schema
        self.batchRows = batchRows
    }

    /// Parses `data` and calls `body` with each complete batch, in order.
    /// - Throws: ``StoreError`` with code `badValue` naming the line and column of a bad value.
    public func read(_ data: [UInt8], _ body: (RecordBatch) throws -> Void) throws {
        try data.withUnsafeBufferPointer { buf in
            var parser = Parser(buf)
            var names: [String] = []
            guard parser.nextRecord({ header in names = header.map { String(decoding: $0, as: UTF8.self) } }) else { return }
            var mapping: [Int] = []  // header position -> schema column
            for n in names {
                guard let idx = schema.index(of: n) else {
                    throw StoreError(.unknownColumn, "CSV column '\(n)' is not a column of '\(schema.name)'; columns: \(schema.fields.map(\.name).joined(separator: ", "))")
                }
                mapping.append(idx)
            }
            let present = Set(mapping)
            var builder = RecordBatchBuilder(schema: schema, capacity: batchRows)
            var line = 1
            var values = [Value?](repeating: nil, count: schema.count)
            while try parser.nextRecord({ record in
                line += 1
                if record.count == 1 && record[0].isEmpty { return }  // blank line
                guard record.count == mapping.count else {
                    throw StoreError(.badValue, "line \(line): \(record.count) fields, header has \(mapping.count)")
                }
                for (pos, field) in record.enumerated() {
                    values[mapping[pos]] = try parse(field, as: schema.fields[mapping[pos]], line: line)
                }
                for col in 0..<schema.count {
                    if let v = values[col] { builder.append(v, to: col) }
                    else if !present.contains(col) { builder.append(Value.zero(of: schema.fields[col].type), to: col) }
                }
                builder.finishRow()
            }) {
                if builder.count >= batchRows { try body(builder.finish()) }
            }
            if builder.count > 0 { try body(builder.finish()) }
        }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, as field: Field, line: Int) throws(StoreError) -> Value {
        func bad() -> StoreError {
            StoreError(.badValue, "line \(line), column '\(field.name)': '\(String(decoding: bytes, as: UTF8.self))' is not a valid \(field.type.rawValue)")
        }
        switch field.type {
        case .string:
            return .string(String(decoding: bytes, as: UTF8.self))
        case .int64, .time64ns:
            guard let v = Self.parseInt(bytes) else { throw bad() }
            return field.type == .int64 ? .int64(v) : .time64ns(v)
        case .float64:
            guard let v = Double(String(decoding: bytes, as: UTF8.self)) else { throw bad() }
            return .float64(v)
        case .boolean:
            switch String(decoding: bytes, as: UTF8.self).lowercased() {
            case "true", "1": return .boolean(true)
            case "false", "0", "": return .boolean(false)
            default: throw bad()
            }
        case .uint128:
            let text = String(decoding: bytes, as: UTF8.self)
            if let v = UPID.parse(text) { return .uint128(v) }
            if let v = UInt128(text) { return .uint128(v) }
            throw bad()
        }
    }

    static func parseInt(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !b.isEmpty else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if b[0] == UInt8(ascii: "+") { i = 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            v = s
            i += 1
        }
        return v
    }

    /// A cursor over CSV records. Fields are views into the input, or into a scratch buffer for
    /// quoted fields with `""` escapes; the views are valid only inside the `body` closure.
    struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0
        var scratch: [UInt8] = []

        init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

        enum Slot { case input(Range<Int>), scratch(Range<Int>) }

        /// Reads one record and calls `body` with its fields; returns false at the end of input.
        mutating func nextRecord(_ body: ([UnsafeBufferPointer<UInt8>]) throws -> Void) rethrows -> Bool {
            guard pos < buf.count else { return false }
            scratch.removeAll(keepingCapacity: true)
            var slots: [Slot] = []
            while true {
                if pos < buf.count && buf[pos] == UInt8(ascii: "\"") {
                    pos += 1
                    let start = pos
                    var scratchStart: Int? = nil
                    while pos < buf.count {
                        if buf[pos] == UInt8(ascii: "\"") {
                            if pos + 1 < buf.count && buf[pos + 1] == UInt8(ascii: "\"") {
                                if scratchStart == nil { scratchStart = scratch.count; scratch.append(contentsOf: buf[start..<pos]) }
                                scratch.append(UInt8(ascii: "\""))
                                pos += 2
                                continue
                            }
                            break
                        }
                        if scratchStart != nil { scratch.append(buf[pos]) }
                        pos += 1
                    }
                    slots.append(scratchStart.map { .scratch($0..<scratch.count) } ?? .input(start..<pos))
                    if pos < buf.count { pos += 1 }  // closing quote
                    while pos < buf.count && buf[pos] != UInt8(ascii: ",") && buf[pos] != UInt8(ascii: "\n") { pos += 1 }
                } else {
                    let start = pos
                    while pos < buf.count && buf[pos] != UInt8(ascii: ",") && buf[pos] != UInt8(ascii: "\n") { pos += 1 }
                    var end = pos
                    if end > start && buf[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    slots.append(.input(start..<end))
                }
                if pos < buf.count && buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if pos < buf.count { pos += 1 }  // newline
                break
            }
            try scratch.withUnsafeBufferPointer { extra in
                let fields = slots.map { slot -> UnsafeBufferPointer<UInt8> in
                    switch slot {
                    case .input(let r): UnsafeBufferPointer(rebasing: buf[r])
                    case .scratch(let r): UnsafeBufferPointer(rebasing: extra[r])
                    }
                }
                try body(fields)
            }
            return true
        }
    }
}

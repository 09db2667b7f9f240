import Foundation

/// A result table from the API, rendered for a terminal, as JSON lines, or as CSV.
struct ResultTableText {
    let name: String
    let columns: [(name: String, type: String, semantic: String)]
    let rows: [[JSONValue]]

    init(_ json: JSONValue) {
        name = json["name"]?.string ?? "output"
        columns = (json["columns"]?.array ?? []).map {
            ($0["name"]?.string ?? "", $0["type"]?.string ?? "", $0["semantic_type"]?.string ?? "")
        }
        rows = (json["rows"]?.array ?? []).map(\.array)
    }

    /// An aligned text table with a title line; times are shown as UTC timestamps.
    func aligned() -> String {
        let header = columns.map { $0.name.uppercased() }
        let cells = rows.map { row in row.enumerated().map { display($0.element, column: $0.offset) } }
        var widths = header.map(\.count)
        for r in cells { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in
                i == values.count - 1 ? v : v.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var out = "Table: \(name) (\(rows.count) row\(rows.count == 1 ? "" : "s"))\n" + line(header) + "\n"
        for r in cells { out += line(r) + "\n" }
        return out
    }

    func display(_ v: JSONValue, column: Int) -> String {
        let type = column < columns.count ? columns[column].type : ""
        switch v {
        case .int(let i) where type == "TIME64NS": return Self.timestamp(i)
        case .int(let i): return String(i)
        case .double(let d): return Self.number(d)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: return "\(v)"
        }
    }

    /// A float for reading: integral values without a fraction, others with enough digits.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "\(d)" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        if abs(d) >= 1 { return String(format: "%.2f", d) }
        return String(format: "%.4g", d)
    }

    static func timestamp(_ ns: Int64) -> String {
        var seconds = time_t(ns / 1_000_000_000)
        var tm = tm()
        gmtime_r(&seconds, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1,
                      Int(tm.tm_mday), Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), Int((ns % 1_000_000_000) / 1_000_000))
    }

    /// One JSON object per row, with the table's name under `_tableName_` (as `px run -o json`).
    func jsonLines() -> String {
        var out = ""
        for row in rows {
            var parts = ["\"_tableName_\":\(Self.quote(name))"]
            for (i, v) in row.enumerated() where i < columns.count {
                parts.append("\(Self.quote(columns[i].name)):\(Self.json(v))")
            }
            out += "{" + parts.joined(separator: ",") + "}\n"
        }
        return out
    }

    /// CSV with a header line; with `withName`, a `# table: NAME` line first.
    func csv(withName: Bool) -> String {
        var out = withName ? "# table: \(name)\n" : ""
        out += columns.map { Self.csvField($0.name) }.joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { v -> String in
                switch v {
                case .string(let s): return Self.csvField(s)
                case .int(let i): return String(i)
                case .double(let d): return "\(d)"
                case .bool(let b): return b ? "true" : "false"
                default: return ""
                }
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func quote(_ s: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
        let text = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
        return String(text.dropFirst().dropLast())
    }

    static func json(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "null"
        case .string(let s): return quote(s)
        case .array(let a): return "[" + a.map(json).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { quote($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }
}

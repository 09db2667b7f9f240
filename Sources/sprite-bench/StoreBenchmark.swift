import Foundation
import SpriteStore

/// Measures the table store on a CSV of `http_events`: append throughput through
/// `RecordBatchBuilder` and `Table.append`, bytes per row hot and after compaction.
struct StoreBenchmark {
    let csvPath: String
    let batchRows: Int

    func run() throws -> [String: Double] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: csvPath)))
        let schema = Schemas.httpEvents
        // 1. Parse the CSV into columns (timed separately: this is `sprite load`'s cost, not the store's).
        var parsed: [RecordBatch] = []
        let parseStart = DispatchTime.now().uptimeNanoseconds
        try CSVBatchReader(schema: schema, batchRows: batchRows).read(data) { parsed.append($0) }
        let parseNs = DispatchTime.now().uptimeNanoseconds - parseStart
        let rows = parsed.reduce(0) { $0 + $1.count }

        // 2. Append row by row through the typed builder, one batch per `batchRows` rows, as a writer does.
        let table = Table(schema: schema, policy: RetentionPolicy(window: nil, byteBudget: .max), clock: .system)
        let appendStart = DispatchTime.now().uptimeNanoseconds
        var builder = RecordBatchBuilder(schema: schema, capacity: batchRows)
        for batch in parsed {
            // The writer's values, by type (a collector has them typed already).
            var ints: [(Int, [Int64])] = [], floats: [(Int, [Double])] = [], bools: [(Int, [Bool])] = []
            var wides: [(Int, [UInt128])] = [], strings: [(Int, StringArray)] = []
            for (c, column) in batch.columns.enumerated() {
                switch column {
                case .int64(let v): ints.append((c, v))
                case .float64(let v): floats.append((c, v))
                case .boolean(let v): bools.append((c, v))
                case .uint128(let v): wides.append((c, v))
                case .string(let v): strings.append((c, v))
                case .dictionary: strings.append((c, column.plain().stringArrayValue))
                }
            }
            for r in 0..<batch.count {
                for (c, v) in ints { builder.append(v[r], to: c) }
                for (c, v) in floats { builder.append(v[r], to: c) }
                for (c, v) in bools { builder.append(v[r], to: c) }
                for (c, v) in wides { builder.append(v[r], to: c) }
                for (c, v) in strings { v.withUTF8(at: r) { builder.append(utf8: $0, to: c) } }
                builder.finishRow()
                if builder.count == batchRows { try table.append(builder.finish()) }
            }
        }
        if builder.count > 0 { try table.append(builder.finish()) }
        let appendNs = DispatchTime.now().uptimeNanoseconds - appendStart
        parsed = []
        let hot = table.info

        // 3. Compact everything into cold batches.
        let compactStart = DispatchTime.now().uptimeNanoseconds
        table.compact(force: true)
        let compactNs = DispatchTime.now().uptimeNanoseconds - compactStart
        let cold = table.info

        return [
            "rows": Double(rows),
            "csv_parse_rows_per_s": Double(rows) / (Double(parseNs) / 1e9),
            "append_rows_per_s": Double(rows) / (Double(appendNs) / 1e9),
            "compact_rows_per_s": Double(rows) / (Double(compactNs) / 1e9),
            "hot_bytes": Double(hot.bytes),
            "cold_bytes": Double(cold.bytes),
            "hot_bytes_per_row": Double(hot.bytes) / Double(rows),
            "cold_bytes_per_row": Double(cold.bytes) / Double(rows),
        ]
    }
}

extension ColumnData {
    var stringArrayValue: StringArray {
        if case .string(let s) = self { return s }
        return StringArray()
    }
}

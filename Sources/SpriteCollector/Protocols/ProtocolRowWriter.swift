import SpriteStore

/// Accumulates protocol records as rows of their tables, with the connection columns.
struct ProtocolRowWriter {
    private var builders: [RecordBatchBuilder?] = Array(repeating: nil, count: ProtocolTable.allCases.count)

    /// Rows waiting to be handed out, all tables together.
    private(set) var count = 0

    mutating func append(_ records: [ProtocolRecord], connection c: Connection, clocks: Clocks) {
        for r in records {
            let t = r.table.rawValue
            if builders[t] == nil { builders[t] = RecordBatchBuilder(schema: r.table.schema, capacity: 64) }
            builders[t]!.append(clocks.wallClock(r.responseTime), to: 0)
            builders[t]!.append(c.upid.value, to: 1)
            builders[t]!.append(c.remoteAddr, to: 2)
            builders[t]!.append(Int64(c.remotePort), to: 3)
            builders[t]!.append(c.localAddr, to: 4)
            builders[t]!.append(Int64(c.localPort), to: 5)
            builders[t]!.append(Int64(c.role), to: 6)
            builders[t]!.append(c.encrypted, to: 7)
            var column = ProtocolTable.connectionColumnCount
            for v in r.values {
                switch v {
                case .string(let s): builders[t]!.append(s, to: column)
                case .int(let i): builders[t]!.append(i, to: column)
                }
                column += 1
            }
            builders[t]!.append(r.latency, to: column)
            builders[t]!.finishRow()
            count += 1
        }
    }

    /// The finished batches (one per table with rows); the writer starts over.
    mutating func finish() -> [RecordBatch] {
        guard count > 0 else { return [] }
        var out: [RecordBatch] = []
        for i in builders.indices where (builders[i]?.count ?? 0) > 0 {
            out.append(builders[i]!.finish())
        }
        count = 0
        return out
    }
}

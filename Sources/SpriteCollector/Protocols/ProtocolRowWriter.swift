import SpriteStore

/// Accumulates protocol records as rows of their tables, with the connection columns.
struct ProtocolRowWriter {
    private var builders: [RecordBatchBuilder?] = Array(repeating: nil, count: ProtocolTable.allCases.count)

    /// Rows waiting to be handed out, all tables together.
    private(set) var count = 0

    mutating func append(_ records: [ProtocolRecord], connection c: Connection, clocks: Clocks) {
        append(records, upid: c.upid, remote: (c.remoteAddr, c.remotePort), local: (c.localAddr, c.localPort),
               role: c.role, encrypted: c.encrypted, clocks: clocks)
    }

    /// Appends records with explicit connection columns (a UDP socket's rows take their remote
    /// endpoint from each datagram).
    mutating func append(_ records: [ProtocolRecord], upid: UPID, remote: (addr: String, port: Int), local: (addr: String, port: Int),
                         role: Int, encrypted: Bool, clocks: Clocks) {
        for r in records {
            let t = r.table.rawValue
            if builders[t] == nil { builders[t] = RecordBatchBuilder(schema: r.table.schema, capacity: 64) }
            builders[t]!.append(clocks.wallClock(r.responseTime), to: 0)
            builders[t]!.append(upid.value, to: 1)
            builders[t]!.append(remote.addr, to: 2)
            builders[t]!.append(Int64(remote.port), to: 3)
            builders[t]!.append(local.addr, to: 4)
            builders[t]!.append(Int64(local.port), to: 5)
            builders[t]!.append(Int64(role), to: 6)
            builders[t]!.append(encrypted, to: 7)
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

import SpriteEngine
import SpriteStore

extension Coordinator.Answer {
    /// The broker's JSON answer: `{"tables": [...], "agents": [...], "stats": {...}}`.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 16)
        w.raw("{\"tables\":[")
        for (t, table) in tables.enumerated() {
            if t > 0 { w.byte(UInt8(ascii: ",")) }
            QueryService.Answer.write(table, into: &w)
        }
        w.raw("],")
        writeStatus(into: &w)
        w.raw("}")
        return w.bytes
    }

    /// `"agents": [...], "stats": {...}` (no braces).
    func writeStatus(into w: inout JSONWriter) {
        w.raw("\"agents\":")
        Coordinator.write(agents, into: &w)
        w.raw(",\"stats\":{\"compile_ns\":"); w.int(compileNanos)
        w.raw(",\"exec_ns\":"); w.int(execNanos)
        w.raw(",\"rows_processed\":"); w.int(Int64(rowsProcessed))
        w.raw(",\"bytes_processed\":"); w.int(Int64(bytesProcessed))
        w.raw(",\"bytes_from_edges\":"); w.int(Int64(bytesFromEdges))
        w.raw("}")
    }

    /// The answer as NDJSON lines: per table `{"table", "columns"}` then one `{"table", "row"}`
    /// per row; last `{"agents", "stats"}`. Yields chunks of about `chunkBytes`.
    func ndjson(chunkBytes: Int = 1 << 16, _ emit: ([UInt8]) async throws -> Void) async throws {
        var w = JSONWriter(capacity: chunkBytes + 4096)
        for table in tables {
            let batch = table.batch
            w.raw("{\"table\":"); w.string(table.name); w.raw(",\"columns\":[")
            for (i, f) in batch.schema.fields.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"name\":"); w.string(f.name)
                w.raw(",\"type\":"); w.string(f.type.rawValue)
                w.raw(",\"semantic_type\":"); w.string(f.semanticType.rawValue)
                w.byte(UInt8(ascii: "}"))
            }
            w.raw("]}\n")
            for r in 0..<batch.count {
                w.raw("{\"table\":"); w.string(table.name); w.raw(",\"row\":[")
                for (c, column) in batch.columns.enumerated() {
                    if c > 0 { w.byte(UInt8(ascii: ",")) }
                    w.value(column, at: r, type: batch.schema.fields[c].type)
                }
                w.raw("]}\n")
                if w.bytes.count >= chunkBytes {
                    try await emit(w.bytes)
                    w = JSONWriter(capacity: chunkBytes + 4096)
                }
            }
        }
        w.byte(UInt8(ascii: "{"))
        writeStatus(into: &w)
        w.raw("}\n")
        try await emit(w.bytes)
    }
}

extension Coordinator {
    static func write(_ agents: [AgentStatus], into w: inout JSONWriter) {
        w.byte(UInt8(ascii: "["))
        for (i, a) in agents.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"name\":"); w.string(a.name)
            w.raw(",\"url\":"); w.string(a.url)
            w.raw(",\"status\":"); w.string(a.state.rawValue)
            w.raw(",\"message\":"); w.string(a.message)
            w.byte(UInt8(ascii: "}"))
        }
        w.byte(UInt8(ascii: "]"))
    }
}


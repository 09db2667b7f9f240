import SpriteEngine
import SpriteStore

extension QueryService.Answer {
    /// The answer as the API's JSON document:
    /// `{"tables": [{"name", "columns": [{"name", "type", "semantic_type"}], "rows": [[...]]}],
    ///   "stats": {"compile_ns", "exec_ns", "rows_processed", "bytes_processed"}}`.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 16)
        w.raw("{\"tables\":[")
        for (t, table) in tables.enumerated() {
            if t > 0 { w.byte(UInt8(ascii: ",")) }
            Self.write(table, into: &w)
        }
        w.raw("],\"stats\":{\"compile_ns\":"); w.int(compileNanos)
        w.raw(",\"exec_ns\":"); w.int(execNanos)
        w.raw(",\"rows_processed\":"); w.int(Int64(rowsProcessed))
        w.raw(",\"bytes_processed\":"); w.int(Int64(bytesProcessed))
        w.raw("}}")
        return w.bytes
    }

    static func write(_ table: ResultTable, into w: inout JSONWriter) {
        let batch = table.batch
        w.raw("{\"name\":"); w.string(table.name)
        w.raw(",\"columns\":[")
        for (i, f) in batch.schema.fields.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"name\":"); w.string(f.name)
            w.raw(",\"type\":"); w.string(f.type.rawValue)
            w.raw(",\"semantic_type\":"); w.string(f.semanticType.rawValue)
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"rows\":[")
        for r in 0..<batch.count {
            if r > 0 { w.byte(UInt8(ascii: ",")) }
            w.byte(UInt8(ascii: "["))
            for (c, column) in batch.columns.enumerated() {
                if c > 0 { w.byte(UInt8(ascii: ",")) }
                w.value(column, at: r, type: batch.schema.fields[c].type)
            }
            w.byte(UInt8(ascii: "]"))
        }
        w.raw("]}")
    }
}

extension ClusterError {
    /// The error as the API's JSON document: `{"error": {"code", "message", "line"?, "column"?}}`.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"error\":{\"code\":"); w.string(code.rawValue)
        w.raw(",\"message\":"); w.string(message)
        if let line { w.raw(",\"line\":"); w.int(Int64(line)) }
        if let column { w.raw(",\"column\":"); w.int(Int64(column)) }
        w.raw("}")
        if let agents {
            w.raw(",\"agents\":")
            Coordinator.write(agents, into: &w)
        }
        w.raw("}")
        return w.bytes
    }
}

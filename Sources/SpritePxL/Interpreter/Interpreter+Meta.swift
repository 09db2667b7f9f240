import SpriteEngine
import SpriteStore

/// The meta tables: `px.GetTables()`, `px.GetSchemas()`, `px.GetUDFList()`, `px.GetUDAList()`.
extension Interpreter {
    func metaTables() -> RecordBatch {
        let schema = Schema(name: "tables", fields: [
            Field("table_name", .string), Field("rows", .int64), Field("bytes", .int64, .bytes),
            Field("oldest_time", .time64ns), Field("newest_time", .time64ns),
        ])
        var b = RecordBatchBuilder(schema: schema)
        if let store = compiler.catalog as? TableStore {
            for info in store.tableInfos {
                b.append(info.name, to: 0); b.append(Int64(info.rows), to: 1); b.append(Int64(info.bytes), to: 2)
                b.append(info.oldestTime ?? 0, to: 3); b.append(info.newestTime ?? 0, to: 4); b.finishRow()
            }
        } else {
            for name in compiler.catalog.tableNames {
                b.append(name, to: 0); b.append(Int64(0), to: 1); b.append(Int64(0), to: 2)
                b.append(Int64(0), to: 3); b.append(Int64(0), to: 4); b.finishRow()
            }
        }
        return b.finish()
    }

    func metaSchemas() -> RecordBatch {
        let schema = Schema(name: "schemas", fields: [
            Field("table_name", .string), Field("column_name", .string), Field("column_type", .string),
            Field("column_semantic_type", .string), Field("column_desc", .string),
        ])
        var b = RecordBatchBuilder(schema: schema)
        for name in compiler.catalog.tableNames {
            guard let s = compiler.catalog.schema(ofTable: name) else { continue }
            for f in s.fields {
                b.append(name, to: 0); b.append(f.name, to: 1); b.append(f.type.rawValue, to: 2)
                b.append(f.semanticType.rawValue, to: 3); b.append(f.description, to: 4); b.finishRow()
            }
        }
        return b.finish()
    }

    func metaFunctions() -> RecordBatch {
        let schema = Schema(name: "udfs", fields: [Field("name", .string), Field("signature", .string), Field("doc", .string)])
        var b = RecordBatchBuilder(schema: schema)
        for name in compiler.registry.names {
            guard let f = compiler.registry.function(named: name) else { continue }
            for o in f.overloads {
                b.append(name, to: 0); b.append(o.signature, to: 1); b.append(f.documentation, to: 2); b.finishRow()
            }
        }
        return b.finish()
    }

    func metaAggregates() -> RecordBatch {
        let schema = Schema(name: "udas", fields: [Field("name", .string), Field("doc", .string)])
        var b = RecordBatchBuilder(schema: schema)
        let docs: [String: String] = [
            "count": "Number of rows.", "sum": "Sum of the values.", "mean": "Arithmetic mean.",
            "min": "Smallest value.", "max": "Largest value.", "any": "Any one of the values.",
            "quantiles": "p01 p10 p25 p50 p75 p90 p99 as JSON, from a mergeable sketch.",
        ]
        for name in Self.aggregateNames.sorted() {
            b.append(name, to: 0); b.append(docs[name] ?? "", to: 1); b.finishRow()
        }
        return b.finish()
    }
}

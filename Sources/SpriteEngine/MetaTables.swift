import SpriteStore

/// The tables behind `px.GetTables()`, `px.GetSchemas()`, `px.GetUDFList()` and
/// `px.GetUDAList()`, for the compiler to put in ``LogicalPlan/values(_:)`` nodes.
public enum MetaTables {
    static func batch(_ fields: [Field], _ rows: [[Value]]) -> RecordBatch {
        var b = RecordBatchBuilder(schema: Schema(fields: fields), capacity: rows.count)
        for r in rows { try? b.append(row: r) }
        return b.finish()
    }

    /// `table_name`, `rows`, `bytes` of every table.
    public static func tables(_ store: TableStore) -> RecordBatch {
        batch([Field("table_name", .string), Field("rows", .int64), Field("bytes", .int64, .bytes)],
              store.tableInfos.map { [.string($0.name), .int64(Int64($0.rows)), .int64(Int64($0.bytes))] })
    }

    /// `table_name`, `column_name`, `column_type`, `semantic_type`, `column_desc` of every column.
    public static func schemas(_ catalog: any Catalog) -> RecordBatch {
        var rows: [[Value]] = []
        for t in catalog.tableNames {
            guard let s = catalog.schema(ofTable: t) else { continue }
            for f in s.fields {
                rows.append([.string(t), .string(f.name), .string(f.type.rawValue), .string(f.semanticType.rawValue), .string(f.description)])
            }
        }
        return batch([Field("table_name", .string), Field("column_name", .string), Field("column_type", .string),
                      Field("semantic_type", .string), Field("column_desc", .string)], rows)
    }

    /// `name`, `signature`, `return_type`, `doc` of every scalar function overload.
    public static func udfs(_ registry: FunctionRegistry = .standard) -> RecordBatch {
        var rows: [[Value]] = []
        for n in registry.names {
            guard let f = registry.function(named: n) else { continue }
            for o in f.overloads {
                rows.append([.string(n), .string(o.signature), .string(o.result.rawValue), .string(f.documentation)])
            }
        }
        return batch([Field("name", .string), Field("signature", .string), Field("return_type", .string), Field("doc", .string)], rows)
    }

    /// `name`, `input_types`, `doc` of every aggregate.
    public static func udas(_ registry: AggregateRegistry = .standard) -> RecordBatch {
        let rows: [[Value]] = registry.names.compactMap { n in
            registry.function(named: n).map { [.string(n), .string($0.inputTypes.map(\.rawValue).joined(separator: ", ")), .string($0.documentation)] }
        }
        return batch([Field("name", .string), Field("input_types", .string), Field("doc", .string)], rows)
    }
}

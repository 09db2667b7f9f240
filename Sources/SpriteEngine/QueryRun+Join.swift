import SpriteStore

/// Hash joins: the smaller side is built into a group table, the other side probes it.
extension QueryRun {
    func join(_ left: RecordBatch, _ right: RecordBatch, how: JoinType, leftOn: [String], rightOn: [String],
              suffixes: JoinSuffixes) throws(EngineError) -> RecordBatch {
        let layout = try binder.joinSchema(left: left.schema, right: right.schema, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes)
        let buildLeft = left.count < right.count
        let build = buildLeft ? left : right, probe = buildLeft ? right : left
        let buildKeys = buildLeft ? layout.leftKeys : layout.rightKeys
        let probeKeys = buildLeft ? layout.rightKeys : layout.leftKeys
        let keyTypes = buildKeys.map { build.schema.fields[$0].type }
        // Which unmatched rows survive.
        let keepProbe = buildLeft ? (how == .right || how == .outer) : (how == .left || how == .outer)
        let keepBuild = buildLeft ? (how == .left || how == .outer) : (how == .right || how == .outer)

        let table = GroupTable(keyTypes: keyTypes)
        let buildGroups = table.assign(buildKeys.map { build.columns[$0] }, rows: .range(0..<build.count))
        let groupCount = table.count
        // Build rows per group, as CSR.
        var starts = [Int32](repeating: 0, count: groupCount + 1)
        for g in buildGroups { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var fill = starts
        var rowsByGroup = [Int32](repeating: 0, count: build.count)
        for (r, g) in buildGroups.enumerated() {
            rowsByGroup[Int(fill[Int(g)])] = Int32(r)
            fill[Int(g)] += 1
        }
        let probeGroups = table.lookup(probeKeys.map { probe.columns[$0] }, rows: .range(0..<probe.count))
        var probeOut: [Int32] = [], buildOut: [Int32] = []
        probeOut.reserveCapacity(probe.count)
        buildOut.reserveCapacity(probe.count)
        var matched = [Bool](repeating: false, count: build.count)
        for (r, g) in probeGroups.enumerated() {
            if g == .max {
                if keepProbe { probeOut.append(Int32(r)); buildOut.append(-1) }
                continue
            }
            for k in Int(starts[Int(g)])..<Int(starts[Int(g) + 1]) {
                let b = rowsByGroup[k]
                probeOut.append(Int32(r))
                buildOut.append(b)
                matched[Int(b)] = true
            }
        }
        if keepBuild {
            for (b, m) in matched.enumerated() where !m { probeOut.append(-1); buildOut.append(Int32(b)) }
        }
        let leftRows = buildLeft ? buildOut : probeOut
        let rightRows = buildLeft ? probeOut : buildOut
        var columns: [ColumnData] = []
        for (i, f) in left.schema.fields.enumerated() {
            columns.append(ColumnBuilder.gather(left.columns[i], leftRows, type: f.type))
        }
        for (i, f) in right.schema.fields.enumerated() {
            columns.append(ColumnBuilder.gather(right.columns[i], rightRows, type: f.type))
        }
        // Outer rows without a left side take the key from the right (and vice versa), so the
        // key columns are never blank.
        if how == .outer || how == .right {
            for (lk, rk) in zip(layout.leftKeys, layout.rightKeys) where leftRows.contains(-1) {
                columns[lk] = Self.coalesce(columns[lk], columns[left.schema.count + rk], leftRows, type: left.schema.fields[lk].type)
            }
        }
        return RecordBatch(unchecked: layout.schema, columns: columns, count: leftRows.count)
    }

    /// `a` with rows where `indices` is -1 taken from `b`.
    static func coalesce(_ a: ColumnData, _ b: ColumnData, _ indices: [Int32], type: DataType) -> ColumnData {
        var builder = RecordBatchBuilder(schema: Schema(fields: [Field("k", type)]), capacity: indices.count)
        for (r, i) in indices.enumerated() {
            builder.append((i < 0 ? b : a).value(at: r, as: type), to: 0)
            builder.finishRow()
        }
        return builder.finish().columns[0]
    }
}

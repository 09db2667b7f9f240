import SpriteStore

/// A streaming part of a physical plan: sources of morsels and the per-morsel steps (filters
/// and maps) applied to each, up to the next pipeline breaker (aggregate, join, limit, sink).
struct Pipeline {
    enum Source {
        /// Stored batch slices; `columns` are table column positions to read.
        case table(slices: [BatchSlice], columns: [Int])
        /// In-memory batches, split into morsels.
        case batches([RecordBatch])
    }

    enum Step {
        case filter(BoundExpr)
        /// Exactly these outputs; column references pass the input slot through.
        case map([BoundExpr])
    }

    struct Part {
        var source: Source
        var steps: [Step]
    }

    var parts: [Part]
    /// The output schema (possibly with fewer columns than the logical plan's, after pruning).
    var schema: Schema

    /// One unit of parallel work.
    struct Morsel {
        let part: Int
        let source: MorselSource
    }

    enum MorselSource {
        case slice(BatchSlice, columns: [Int])
        case batch(RecordBatch, Range<Int>)
    }

    func morsels(rows morselRows: Int) -> [Morsel] {
        var out: [Morsel] = []
        for (p, part) in parts.enumerated() {
            switch part.source {
            case .table(let slices, let columns):
                for s in slices { out.append(Morsel(part: p, source: .slice(s, columns: columns))) }
            case .batches(let batches):
                for b in batches where b.count > 0 {
                    var lo = 0
                    while lo < b.count {
                        let hi = min(b.count, lo + morselRows)
                        out.append(Morsel(part: p, source: .batch(b, lo..<hi)))
                        lo = hi
                    }
                }
            }
        }
        return out
    }
}

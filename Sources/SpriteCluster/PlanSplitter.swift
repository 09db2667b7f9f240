import SpriteEngine
import SpriteStore

/// A script's plans split for a cluster: the fragments every edge runs on its own data, and the
/// plans the aggregator runs over what the edges send back.
public struct DistributedPlan: Sendable {
    /// One plan every edge runs; its rows go to the aggregator under ``id``.
    public struct Fragment: Sendable {
        /// The name of the ``LogicalPlan/input(name:schema:)`` leaf the rows feed.
        public var id: String
        /// The plan, rooted at the operator whose output is shipped.
        public var plan: LogicalPlan
        /// The schema of the shipped rows.
        public var schema: Schema
        /// Whether the rows are partial aggregate states (merged by a final aggregate).
        public var isPartialAggregate: Bool
    }

    /// The edge fragments, in a stable order (`f0`, `f1`, ...).
    public var fragments: [Fragment]
    /// The aggregator's plans, one per result table (`.sink` roots), reading the fragments
    /// through `.input` leaves.
    public var finalPlans: [LogicalPlan]
}

/// Splits plans so that the work that can run where the data is does, and only small results
/// cross the network.
///
/// Edges run sources, filters and maps, partial aggregates (a `.full` aggregate becomes a
/// `.partial` aggregate on each edge and a `.final` aggregate of the union of their states on
/// the aggregator) and limits (each edge sends at most `n` rows; the aggregator applies the limit
/// again). The aggregator runs final aggregates, joins, unions of merged inputs, limits, constant
/// tables (`px.GetTables()`) and sinks. A union of edge-local inputs stays on the edges: the union
/// of every edge's union is the union of the data.
///
/// Splitting is deterministic: an edge that compiles the same script with the same `now` gets the
/// same fragments as the aggregator, so only the script crosses the network, never a plan.
public struct PlanSplitter: Sendable {
    /// Resolves schemas of the plans being split.
    public let binder: Binder
    /// Ship partial aggregate states (the default). When `false`, edges ship the rows an
    /// aggregate reads (only the columns it needs) and the aggregator aggregates them: the
    /// baseline of the transport benchmark.
    public var partialAggregation: Bool

    public init(catalog: any Catalog, partialAggregation: Bool = true) {
        self.binder = Binder(catalog: catalog)
        self.partialAggregation = partialAggregation
    }

    /// Splits the plans of one script.
    public func split(_ plans: [LogicalPlan]) throws(EngineError) -> DistributedPlan {
        var state = State()
        var finals: [LogicalPlan] = []
        for p in plans { finals.append(try gather(visit(p, &state), &state)) }
        return DistributedPlan(fragments: state.fragments, finalPlans: finals)
    }

    /// Where a subplan runs: on every edge (its output is the union over edges), or once on the
    /// aggregator.
    enum Part {
        case edge(LogicalPlan)
        case aggregator(LogicalPlan)
    }

    struct State {
        var fragments: [DistributedPlan.Fragment] = []
    }

    func visit(_ plan: LogicalPlan, _ state: inout State) throws(EngineError) -> Part {
        switch plan {
        case .scan:
            return .edge(plan)
        case .values, .input:
            return .aggregator(plan)
        case .filter(let input, let predicate):
            switch try visit(input, &state) {
            case .edge(let p): return .edge(.filter(p, predicate))
            case .aggregator(let p): return .aggregator(.filter(p, predicate))
            }
        case .map(let input, let exprs):
            switch try visit(input, &state) {
            case .edge(let p): return .edge(.map(p, exprs))
            case .aggregator(let p): return .aggregator(.map(p, exprs))
            }
        case .union(let inputs):
            var parts: [Part] = []
            for i in inputs { parts.append(try visit(i, &state)) }
            let edgeInputs = parts.compactMap { part -> LogicalPlan? in if case .edge(let p) = part { p } else { nil } }
            if edgeInputs.count == parts.count { return .edge(.union(edgeInputs)) }
            var merged: [LogicalPlan] = []
            for part in parts { merged.append(try gather(part, &state)) }
            return .aggregator(.union(merged))
        case .aggregate(let input, let keys, let calls, let mode):
            let part = try visit(input, &state)
            guard case .edge(let p) = part, mode == .full else {
                return .aggregator(.aggregate(try gather(part, &state), keys: keys, aggregates: calls, mode: mode))
            }
            if !partialAggregation {
                // Ship only the columns the aggregate reads.
                var needed: [String] = []
                for c in keys + calls.map(\.column) where !needed.contains(c) { needed.append(c) }
                let projected = LogicalPlan.map(p, needed.map { NamedExpr($0, .column($0)) })
                return .aggregator(.aggregate(try addFragment(projected, partial: false, &state), keys: keys, aggregates: calls, mode: .full))
            }
            let input = try addFragment(.aggregate(p, keys: keys, aggregates: calls, mode: .partial), partial: true, &state)
            // The partial aggregate names each state column after its aggregate.
            let finals = calls.map { AggregateCall($0.name, $0.function, $0.name) }
            return .aggregator(.aggregate(input, keys: keys, aggregates: finals, mode: .final))
        case .limit(let input, let n):
            switch try visit(input, &state) {
            case .edge(let p): return .aggregator(.limit(try addFragment(.limit(p, n), partial: false, &state), n))
            case .aggregator(let p): return .aggregator(.limit(p, n))
            }
        case .join(let left, let right, let how, let leftOn, let rightOn, let suffixes):
            let l = try gather(visit(left, &state), &state)
            let r = try gather(visit(right, &state), &state)
            return .aggregator(.join(left: l, right: r, how: how, leftOn: leftOn, rightOn: rightOn, suffixes: suffixes))
        case .sink(let input, let name):
            return .aggregator(.sink(try gather(visit(input, &state), &state), name: name))
        }
    }

    /// The plan of `part` as it runs on the aggregator: edge parts become fragments read through
    /// an `.input` leaf.
    func gather(_ part: Part, _ state: inout State) throws(EngineError) -> LogicalPlan {
        switch part {
        case .aggregator(let p): return p
        case .edge(let p): return try addFragment(p, partial: false, &state)
        }
    }

    func addFragment(_ plan: LogicalPlan, partial: Bool, _ state: inout State) throws(EngineError) -> LogicalPlan {
        let id = "f\(state.fragments.count)"
        var schema = try binder.schema(of: plan)
        schema.name = id
        state.fragments.append(DistributedPlan.Fragment(id: id, plan: plan, schema: schema, isPartialAggregate: partial))
        return .input(name: id, schema: schema)
    }
}

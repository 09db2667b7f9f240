import SpriteEngine
import SpritePxL
import SpriteStore

extension QueryService {
    /// Compiles a script as the aggregator did and splits it the same way.
    /// - Throws: ``ClusterError`` `.compile` with the line and column, or `.execution`.
    public func distributedPlan(script: String, function: String?, args: [String: String]?, now: Int64,
                                partialAggregation: Bool, pluginWindow: PluginWindow? = nil, exports: Bool = false) throws(ClusterError) -> DistributedPlan {
        try Self.distributedPlan(script: script, function: function, args: args, now: now, partialAggregation: partialAggregation,
                                 pluginWindow: pluginWindow, exports: exports, catalog: store)
    }

    /// Compiles a script against `catalog` and splits its plans (its `px.export` frames' with
    /// `exports`).
    public static func distributedPlan(script: String, function: String?, args: [String: String]?, now: Int64,
                                       partialAggregation: Bool, pluginWindow: PluginWindow? = nil, exports: Bool = false,
                                       catalog: any Catalog) throws(ClusterError) -> DistributedPlan {
        let plans = try Self.plans(script: script, function: function, args: args, now: now, pluginWindow: pluginWindow,
                                   exports: exports, catalog: catalog)
        do {
            return try PlanSplitter(catalog: catalog, partialAggregation: partialAggregation).split(plans)
        } catch {
            throw ClusterError(.execution, error.message)
        }
    }

    /// Runs this edge's fragments of a query: one batch per fragment, in order.
    /// - Throws: ``ClusterError`` when the plan does not match what the aggregator expects, or
    ///   execution fails.
    public func runFragments(_ request: FragmentRequest) throws(ClusterError) -> ([RecordBatch], EdgeStats) {
        let plan = try distributedPlan(script: request.script, function: request.function, args: request.args,
                                       now: request.now, partialAggregation: request.partialAggregation,
                                       pluginWindow: request.pluginWindow, exports: request.exports)
        guard plan.fragments.map(\.schema) == request.fragments else {
            throw ClusterError(.transport, "this edge splits the script into \(plan.fragments.count) fragments, the aggregator into \(request.fragments.count); run the same Sprite version on both")
        }
        return try runFragments(plan.fragments, now: request.now)
    }

    /// Runs `fragments` on this node's store.
    public func runFragments(_ fragments: [DistributedPlan.Fragment], now: Int64) throws(ClusterError) -> ([RecordBatch], EdgeStats) {
        do {
            let result = try executor.execute(fragments.map { LogicalPlan.sink($0.plan, name: $0.id) }, store: store, now: now)
            let batches = zip(result.tables, fragments).map { table, fragment in
                RecordBatch(unchecked: fragment.schema, columns: table.batch.columns, count: table.batch.count)
            }
            return (batches, EdgeStats(rowsProcessed: result.stats.rowsProcessed, bytesProcessed: result.stats.bytesProcessed,
                                       execNanos: result.stats.execNanos))
        } catch {
            throw ClusterError(.execution, error.message)
        }
    }
}

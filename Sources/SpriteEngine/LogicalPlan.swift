import SpriteStore

/// A query as a tree of relational operators, built by the PxL compiler and run by ``Executor``.
///
/// Every node has an output schema that ``Binder/schema(of:)`` computes without running anything,
/// so type errors surface before execution.
public indirect enum LogicalPlan: Sendable {
    /// Rows of a stored table. `columns` selects and orders columns (`nil`: all); `start`/`end`
    /// bound `time_` in nanoseconds, inclusive (`nil`: open).
    case scan(table: String, columns: [String]?, start: Int64?, end: Int64?)
    /// Constant rows, e.g. the meta tables of `px.GetTables()` (see ``MetaTables``).
    case values(RecordBatch)
    /// Rows handed to the executor at run time under `name` (see ``Executor/execute(_:inputs:now:limits:)``),
    /// with the schema they will have; how an aggregator feeds collected partial states to a final plan.
    case input(name: String, schema: Schema)
    /// The rows for which the predicate (a `BOOLEAN` expression) is true.
    case filter(LogicalPlan, Expr)
    /// Exactly the listed columns, computed per row (Pixie's map). `df.c = e` is "all existing
    /// columns, then `c`"; a projection lists column references.
    case map(LogicalPlan, [NamedExpr])
    /// Groups by `keys` (none: one group) and computes `aggregates`; output is the keys then the
    /// aggregates, in order.
    case aggregate(LogicalPlan, keys: [String], aggregates: [AggregateCall], mode: AggregateMode)
    /// A hash join on equal keys. Output: every left column, then every right column; names that
    /// occur on both sides get `suffixes.0` (left) and `suffixes.1` (right). Missing sides of
    /// `left`/`right`/`outer` rows are filled with zero values (0, "", false).
    case join(left: LogicalPlan, right: LogicalPlan, how: JoinType, leftOn: [String], rightOn: [String], suffixes: JoinSuffixes)
    /// The rows of every input in order; inputs must have the same column names and types
    /// (columns are matched by name, in the first input's order).
    case union([LogicalPlan])
    /// The first `n` rows.
    case limit(LogicalPlan, Int)
    /// A named result table (`px.display(df, name)`).
    case sink(LogicalPlan, name: String)

    /// A scan of a whole table.
    public static func scan(_ table: String) -> LogicalPlan {
        .scan(table: table, columns: nil, start: nil, end: nil)
    }

    /// The node's direct inputs.
    public var inputs: [LogicalPlan] {
        switch self {
        case .scan, .values, .input: []
        case .filter(let p, _), .map(let p, _), .aggregate(let p, _, _, _), .limit(let p, _), .sink(let p, _): [p]
        case .join(let l, let r, _, _, _, _): [l, r]
        case .union(let ps): ps
        }
    }
}

/// The suffixes a join appends to column names that occur on both sides (Pixie's default
/// `('_x', '_y')`).
public struct JoinSuffixes: Sendable, Hashable {
    public var left: String
    public var right: String

    public init(_ left: String = "_x", _ right: String = "_y") {
        self.left = left
        self.right = right
    }
}

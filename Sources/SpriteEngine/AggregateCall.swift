/// One aggregate of a group-by: `name=(column, px.function)` in PxL.
public struct AggregateCall: Sendable, Hashable {
    /// The output column name.
    public var name: String
    /// The aggregate's Pixie name without `px.` (`count`, `sum`, `mean`, `min`, `max`, `any`,
    /// `quantiles`).
    public var function: String
    /// The input column. In ``AggregateMode/final`` mode: the column holding partial states
    /// (the partial aggregate names it after the output, so usually equal to ``name``).
    public var column: String

    public init(_ name: String, _ function: String, _ column: String) {
        self.name = name
        self.function = function
        self.column = column
    }
}

/// How an aggregate node computes.
public enum AggregateMode: String, Sendable, Hashable {
    /// Input rows to final values.
    case full
    /// Input rows to serialized partial states: the key columns, then one `STRING` column per
    /// aggregate holding its state bytes, named after the aggregate.
    case partial
    /// Partial states (from one or more partial nodes, e.g. unioned) to final values.
    case final
}

/// The kind of a join, as `df.merge(how=...)`.
public enum JoinType: String, Sendable, Hashable, CaseIterable {
    case inner, left, right, outer
}

import SpriteEngine

/// The result of compiling a PxL script: one plan per result table, in the order the script
/// produced them.
public struct CompiledScript: Sendable {
    /// Plans whose roots are `.sink` nodes named after their result tables.
    public var plans: [LogicalPlan]
    /// `#px:set` flags of the script.
    public var flags: [String: String]
    /// The most rows a result table returns (`#px:set max_output_rows_per_table=N`).
    public var maxOutputRows: Int
}

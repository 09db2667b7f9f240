import SpriteEngine
import SpriteOTLP

/// The result of compiling a PxL script: one plan per result table, in the order the script
/// produced them.
public struct CompiledScript: Sendable {
    /// Plans whose roots are `.sink` nodes named after their result tables.
    public var plans: [LogicalPlan]
    /// `#px:set` flags of the script.
    public var flags: [String: String]
    /// Data frames to export over OTLP (`px.export`), each with its own plan.
    public var exports: [CompiledExport] = []
    /// Whether the script reads `px.plugin.start_time`/`end_time` (scheduled exports must).
    public var usesPluginWindow = false
    /// The most rows a result table returns (`#px:set max_output_rows_per_table=N`).
    public var maxOutputRows: Int
}

/// One `px.export(df, px.otel.Data(...))` of a script.
public struct CompiledExport: Sendable {
    /// A plan whose rows are the export frame (every column the spec names), ending in a sink.
    public var plan: LogicalPlan
    /// How rows become OTLP items. Its endpoint URL is empty when the script names none (the
    /// schedule's endpoint is used then).
    public var spec: ExportSpec
    /// Where `px.export` is in the script.
    public var line: Int
    public var column: Int
}

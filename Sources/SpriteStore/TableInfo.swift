/// A table's size and contents at one moment, for introspection (`sprite tables`,
/// `px.GetTables()`).
public struct TableInfo: Sendable, Hashable, Codable {
    public var name: String
    /// Rows currently held.
    public var rows: Int
    /// Bytes currently held by the table's batches.
    public var bytes: Int
    /// Bytes held by batches not yet compacted.
    public var hotBytes: Int
    /// Bytes held by compacted batches.
    public var coldBytes: Int
    public var hotBatches: Int
    public var coldBatches: Int
    /// The oldest and newest `time_` held, or `nil` when empty.
    public var oldestTime: Int64?
    public var newestTime: Int64?
    /// The byte budget and retention window in force.
    public var byteBudget: Int
    public var retentionWindow: Int64?
    /// Rows appended since start.
    public var appendedRows: Int
    /// Rows dropped for age since start.
    public var expiredRows: Int
    /// Rows dropped to stay within the byte budget since start.
    public var evictedRows: Int
}

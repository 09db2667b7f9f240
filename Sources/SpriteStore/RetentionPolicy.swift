/// How long, and how much, a table keeps.
///
/// Rows leave a table when they are older than ``window`` or, oldest first, when the table holds
/// more than ``byteBudget`` bytes, whichever comes first.
public struct RetentionPolicy: Sendable, Hashable {
    /// Maximum row age in nanoseconds, measured on `time_` against the store clock; `nil` keeps rows
    /// regardless of age (for offline analysis of loaded data).
    public var window: Int64?
    /// Maximum bytes the table's batches may hold.
    public var byteBudget: Int

    /// Pixie's default window: 24 hours.
    public static let defaultWindow: Int64 = 24 * 3600 * 1_000_000_000

    public init(window: Int64? = RetentionPolicy.defaultWindow, byteBudget: Int) {
        self.window = window
        self.byteBudget = byteBudget
    }
}

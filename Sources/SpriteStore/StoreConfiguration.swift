#if canImport(Glibc)
import Glibc
#endif

/// Sizing and retention for a ``TableStore``.
///
/// The total byte budget is shared among tables by weight: `http_events` 40, each other protocol
/// table 8, `conn_stats` 8, `process_stats` 4, `network_stats` 4, `sprite_collector_stats` 1 and
/// any other table 4. A table's budget is `total * weight / sum of weights of all tables`, unless
/// ``tableBudgets`` names it.
public struct StoreConfiguration: Sendable {
    /// Bytes all tables may hold together. Default: a quarter of the node's memory, at most 4 GiB.
    public var totalBytes: Int
    /// Row age limit in nanoseconds; `nil` switches time-based expiry off.
    public var retentionWindow: Int64?
    /// Per-table byte budgets that override the shared split.
    public var tableBudgets: [String: Int]
    /// Per-table retention windows that override ``retentionWindow`` (`.some(nil)` = no expiry).
    public var tableWindows: [String: Int64?]

    public init(totalBytes: Int = StoreConfiguration.defaultTotalBytes,
                retentionWindow: Int64? = RetentionPolicy.defaultWindow,
                tableBudgets: [String: Int] = [:], tableWindows: [String: Int64?] = [:]) {
        self.totalBytes = totalBytes
        self.retentionWindow = retentionWindow
        self.tableBudgets = tableBudgets
        self.tableWindows = tableWindows
    }

    /// A quarter of physical memory, capped at 4 GiB (at least 64 MiB).
    public static var defaultTotalBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        let physical = pages > 0 && pageSize > 0 ? pages * pageSize : 4 << 30
        return max(64 << 20, min(4 << 30, physical / 4))
    }

    /// The weight of a table in the shared budget.
    public static func weight(of table: String) -> Int {
        switch table {
        case "http_events": 40
        case "mysql_events", "pgsql_events", "redis_events", "dns_events", "kafka_events.beta", "conn_stats": 8
        case "process_stats", "network_stats": 4
        case "sprite_collector_stats": 1
        default: 4
        }
    }
}

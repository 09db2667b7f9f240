import SpriteStore

/// A table's size and time range as the API lists it: one node's, or summed over edges.
struct TableSummary: Sendable, Decodable {
    var name: String
    var rows, bytes, hotBytes, coldBytes, byteBudget, expiredRows, evictedRows: Int
    var oldestTime, newestTime: Int64?

    enum CodingKeys: String, CodingKey {
        case name, rows, bytes, hotBytes = "hot_bytes", coldBytes = "cold_bytes", byteBudget = "byte_budget"
        case expiredRows = "expired_rows", evictedRows = "evicted_rows", oldestTime = "oldest_time", newestTime = "newest_time"
    }

    init(_ t: TableInfo) {
        name = t.name; rows = t.rows; bytes = t.bytes; hotBytes = t.hotBytes; coldBytes = t.coldBytes
        byteBudget = t.byteBudget; expiredRows = t.expiredRows; evictedRows = t.evictedRows
        oldestTime = t.oldestTime; newestTime = t.newestTime
    }

    /// Adds another edge's part of the same table.
    mutating func add(_ t: TableSummary) {
        rows += t.rows; bytes += t.bytes; hotBytes += t.hotBytes; coldBytes += t.coldBytes
        byteBudget += t.byteBudget; expiredRows += t.expiredRows; evictedRows += t.evictedRows
        oldestTime = [oldestTime, t.oldestTime].compactMap { $0 }.min()
        newestTime = [newestTime, t.newestTime].compactMap { $0 }.max()
    }
}

#if canImport(Glibc)
import Glibc
#endif
import SpriteStore

/// One named result table of a query (`px.display(df, name)`).
public struct ResultTable: Sendable {
    public let name: String
    public let batch: RecordBatch

    public init(name: String, batch: RecordBatch) {
        self.name = name
        self.batch = batch
    }
}

/// What a query did: rows and bytes read from tables and inputs, and the time it took.
public struct ExecutionStats: Sendable, Hashable {
    /// Rows read from tables and provided inputs.
    public var rowsProcessed: Int
    /// Bytes of column values read from tables and provided inputs (fixed widths; strings count
    /// their offsets or codes).
    public var bytesProcessed: Int
    /// Wall-clock execution time in nanoseconds.
    public var execNanos: Int64

    public init(rowsProcessed: Int = 0, bytesProcessed: Int = 0, execNanos: Int64 = 0) {
        self.rowsProcessed = rowsProcessed
        self.bytesProcessed = bytesProcessed
        self.execNanos = execNanos
    }
}

/// The result tables of a query, in sink order, with statistics.
public struct QueryResult: Sendable {
    public var tables: [ResultTable]
    public var stats: ExecutionStats

    /// The table called `name`.
    public func table(named name: String) -> RecordBatch? {
        tables.first { $0.name == name }?.batch
    }
}

/// Limits and tuning for one query.
public struct ExecutionLimits: Sendable, Hashable {
    /// Rows kept per result table (`#px:set max_output_rows_per_table=N`); `nil`: all.
    public var maxOutputRowsPerTable: Int?
    /// Groups an aggregate may produce before the query fails.
    public var maxGroups: Int
    /// Worker threads (1: run on the calling thread).
    public var parallelism: Int
    /// Rows per morsel when splitting large in-memory batches.
    public var morselRows: Int

    public init(maxOutputRowsPerTable: Int? = nil, maxGroups: Int = 50_000_000,
                parallelism: Int = ExecutionLimits.defaultParallelism, morselRows: Int = 65_536) {
        self.maxOutputRowsPerTable = maxOutputRowsPerTable
        self.maxGroups = maxGroups
        self.parallelism = max(1, parallelism)
        self.morselRows = max(1, morselRows)
    }

    /// The number of online processors.
    public static var defaultParallelism: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }
}

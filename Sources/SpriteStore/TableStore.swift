import Logging
import Synchronization

/// All tables of one node, with their shared byte budget and retention.
///
/// The canonical tables (``Schemas/all``) exist from the start; others can be added. Writers get a
/// table with ``table(named:)`` and append to it; ``runMaintenance(every:)`` expires old rows and
/// compacts hot batches in the background.
public final class TableStore: Sendable {
    /// The clock retention is measured against.
    public let clock: StoreClock
    private let tables: Mutex<[String: Table]>
    private let config: Mutex<StoreConfiguration>
    private let logger: Logger

    /// A store holding the canonical tables.
    public init(configuration: StoreConfiguration = StoreConfiguration(), clock: StoreClock = .system,
                logger: Logger = Logger(label: "sprite.store")) {
        self.clock = clock
        self.config = Mutex(configuration)
        self.logger = logger
        self.tables = Mutex([:])
        for schema in Schemas.all { _ = try? addTable(schema) }
    }

    /// The current configuration.
    public var configuration: StoreConfiguration { config.withLock { $0 } }

    /// Replaces the configuration and re-divides the budget.
    public func reconfigure(_ configuration: StoreConfiguration) {
        config.withLock { $0 = configuration }
        rebalance()
    }

    /// Adds a table (or returns the existing one with the same schema).
    @discardableResult
    public func addTable(_ schema: Schema) throws(StoreError) -> Table {
        guard schema.timeColumnIndex != nil else {
            throw StoreError(.schemaMismatch, "table '\(schema.name)' needs a 'time_' column of type TIME64NS")
        }
        let result: Result<Table, StoreError> = tables.withLock { t in
            if let existing = t[schema.name] {
                return existing.schema.fields == schema.fields ? .success(existing)
                    : .failure(StoreError(.tableExists, "table '\(schema.name)' already exists with different columns"))
            }
            let table = Table(schema: schema, policy: RetentionPolicy(byteBudget: 1 << 30), clock: clock)
            t[schema.name] = table
            return .success(table)
        }
        let table = try result.get()
        rebalance()
        return table
    }

    /// The table called `name`, if it exists.
    public func table(named name: String) -> Table? {
        tables.withLock { $0[name] }
    }

    /// The table called `name`, or an error naming the tables that exist.
    public func requireTable(_ name: String) throws(StoreError) -> Table {
        guard let t = table(named: name) else {
            let known = tableNames.joined(separator: ", ")
            throw StoreError(.unknownTable, "table '\(name)' does not exist; tables: \(known)")
        }
        return t
    }

    /// The names of all tables, sorted.
    public var tableNames: [String] { tables.withLock { $0.keys.sorted() } }

    /// Size and contents of every table, sorted by name.
    public var tableInfos: [TableInfo] {
        let all = tables.withLock { Array($0.values) }
        return all.map(\.info).sorted { $0.name < $1.name }
    }

    /// Runs retention and compaction on every table once.
    public func maintain(forceCompaction: Bool = false) {
        let all = tables.withLock { Array($0.values) }
        for table in all {
            table.expire()
            let n = table.compact(force: forceCompaction)
            if n > 0 { logger.trace("compacted", metadata: ["table": "\(table.name)", "batches": "\(n)"]) }
        }
    }

    /// Runs ``maintain(forceCompaction:)`` every `interval` until the task is cancelled.
    public func runMaintenance(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            maintain()
            try? await Task.sleep(for: interval)
        }
    }

    private func rebalance() {
        let cfg = configuration
        let all = tables.withLock { Array($0.values) }
        let totalWeight = all.reduce(0) { $0 + StoreConfiguration.weight(of: $1.name) }
        for table in all {
            let budget = cfg.tableBudgets[table.name]
                ?? Int(Double(cfg.totalBytes) * Double(StoreConfiguration.weight(of: table.name)) / Double(max(1, totalWeight)))
            let window = cfg.tableWindows[table.name] ?? cfg.retentionWindow
            table.setPolicy(RetentionPolicy(window: window, byteBudget: budget))
        }
    }
}

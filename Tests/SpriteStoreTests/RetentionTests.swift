import Testing
import SpriteStore

@Suite("Retention")
struct RetentionTests {
    static let hour: Int64 = 3_600_000_000_000

    @Test func rowsOlderThanWindowDisappear() throws {
        let clock = StoreClock.manual(startingAt: 100 * Self.hour)
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: 24 * Self.hour, byteBudget: 1 << 30), clock: clock)
        // Three batches, one hour apart.
        for h in 0..<3 { try table.append(makeBatch(start: (100 + Int64(h)) * Self.hour, count: 10)) }
        #expect(table.info.rows == 30)
        clock.set(124 * Self.hour + 10_000)  // the first batch is now older than 24 h
        table.expire()
        #expect(table.info.rows == 20)
        #expect(table.info.expiredRows == 10)
        #expect(times(table.scan()).first == 101 * Self.hour)
        // Rows of a partly expired batch are hidden by scans before the batch is dropped.
        clock.set(125 * Self.hour + 5_000)
        #expect(times(table.scan()).allSatisfy { $0 >= 101 * Self.hour + 5_000 })
        #expect(table.scan().reduce(0) { $0 + $1.rows.count } == 15)
        clock.set(200 * Self.hour)
        table.expire()
        #expect(table.info.rows == 0)
        #expect(table.scan().isEmpty)
    }

    @Test func noWindowKeepsOldRows() throws {
        let clock = StoreClock.manual(startingAt: 1000 * Self.hour)
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30), clock: clock)
        try table.append(makeBatch(start: 1, count: 5))
        table.expire()
        #expect(table.scan().reduce(0) { $0 + $1.rows.count } == 5)
    }

    @Test func byteBudgetEvictsOldestFirstAndIsNeverExceeded() throws {
        let clock = StoreClock.manual(startingAt: 0)
        let one = makeBatch(start: 0, count: 100).allocatedBytes
        let budget = one * 3 + one / 2
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: budget), clock: clock)
        for k in 0..<10 {
            try table.append(makeBatch(start: Int64(k) * 1_000_000, count: 100))
            #expect(table.info.bytes <= budget)
            if k % 3 == 0 { table.compact(force: true) }
            #expect(table.info.bytes <= budget)
        }
        let info = table.info
        #expect(info.appendedRows == 1000)
        #expect(info.rows + info.evictedRows == 1000)
        // What remains is the newest rows, contiguous up to the last one appended.
        let t = times(table.scan())
        let newest: Int64? = 9_099_000
        #expect(t.last == newest)
        #expect(t == t.sorted())
        #expect(t.count == info.rows)
        #expect(info.evictedRows > 0)
    }

    @Test func batchLargerThanBudgetKeepsItsNewestRows() throws {
        let big = makeBatch(start: 0, count: 1000)
        let budget = big.allocatedBytes / 4
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: budget), clock: .manual(startingAt: 0))
        try table.append(big)
        let info = table.info
        #expect(info.bytes <= budget)
        #expect(info.rows > 0 && info.rows < 1000)
        #expect(info.rows + info.evictedRows == 1000)
        #expect(times(table.scan()).last == 999_000)
    }

    @Test func storeConfigurationAppliesToTables() throws {
        let clock = StoreClock.manual(startingAt: 10 * Self.hour)
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 10 << 20, retentionWindow: Self.hour,
                                                                tableWindows: ["conn_stats": Optional<Int64>.none]), clock: clock)
        #expect(store.table(named: "http_events")?.policy.window == Self.hour)
        #expect(store.table(named: "conn_stats")?.policy.window == nil)
        let custom = try store.addTable(allTypes)
        #expect(custom.policy.window == Self.hour)
        try custom.append(makeBatch(start: 8 * Self.hour, count: 3))
        try custom.append(makeBatch(start: 10 * Self.hour, count: 4))
        store.maintain()
        #expect(custom.info.rows == 4)
        #expect(throws: StoreError.self) { try store.addTable(Schema(name: "all_types", fields: [Field("time_", .time64ns)])) }
        #expect(throws: StoreError.self) { try store.requireTable("nope") }
    }
}

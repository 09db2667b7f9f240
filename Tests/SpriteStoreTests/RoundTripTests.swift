import Testing
import SpriteStore

@Suite("Round trip through compaction")
struct RoundTripTests {
    @Test func everyTypeSurvivesCompaction() throws {
        let long = String(repeating: "λ-long-", count: 2_000)
        let values: [[Value]] = [
            [.time64ns(10), .int64(.min), .uint128(0), .float64(-0.0), .boolean(true), .string("")],
            [.time64ns(20), .int64(.max), .uint128(.max), .float64(.greatestFiniteMagnitude), .boolean(false), .string(long)],
            [.time64ns(30), .int64(0), .uint128(UInt128(UInt64.max)), .float64(.infinity), .boolean(true), .string("ünïcode ✓")],
            [.time64ns(30), .int64(-1), .uint128(UInt128(1) << 127), .float64(1e-300), .boolean(false), .string("")],
        ]
        var builder = RecordBatchBuilder(schema: allTypes)
        for row in values { try builder.append(row: row) }
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30), clock: .manual(startingAt: 0))
        try table.append(builder.finish())
        #expect(rows(table.scan()) == values)
        #expect(table.compact(force: true) == 1)
        #expect(table.info.coldBatches == 1 && table.info.hotBatches == 0)
        #expect(rows(table.scan()) == values)
    }

    @Test func repeatedValuesAreDictionaryEncodedAndStillEqual() throws {
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30), clock: .manual(startingAt: 0))
        let batches = (0..<4).map { makeBatch(start: Int64($0) * 10_000_000, count: 5_000) }
        for b in batches { try table.append(b) }
        let before = rows(table.scan())
        let hotBytes = table.info.bytes
        table.compact(force: true)
        let after = rows(table.scan())
        #expect(after.count == before.count)
        let firstDifference = Array(zip(before, after)).firstIndex { $0.0 != $0.1 }
        #expect(firstDifference == nil, "first differing row: \(firstDifference.map { "\(before[$0]) vs \(after[$0])" } ?? "")")
        #expect(table.info.bytes * 2 < hotBytes)
        let slice = table.scan()[0]
        if case .dictionary(_, let dict) = slice.batch.column(5) {
            #expect(dict.count == 7)
        } else {
            Issue.record("expected a dictionary-encoded string column")
        }
    }

    @Test func unsortedAppendsAreSortedByTime() throws {
        var b = RecordBatchBuilder(schema: allTypes)
        for t in [50, 10, 40, 10, 30] as [Int64] {
            try b.append(row: [.time64ns(t), .int64(t), .uint128(1), .float64(0), .boolean(false), .string("\(t)")])
        }
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30), clock: .manual(startingAt: 0))
        try table.append(b.finish())
        try table.append(makeBatch(start: 20, count: 3, step: 10))  // 20, 30, 40 overlap the first batch
        #expect(times(table.scan()) == [10, 10, 30, 40, 50, 20, 30, 40])
        table.compact(force: true)
        #expect(times(table.scan()) == [10, 10, 20, 30, 30, 40, 40, 50])
    }

    @Test func timeRangeScanFindsExactRows() throws {
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30), clock: .manual(startingAt: 0))
        for k in 0..<50 { try table.append(makeBatch(start: Int64(k) * 100_000, count: 100)) }  // t = 0, 1000, ... 4_999_000
        for compacted in [false, true] {
            if compacted { table.compact(force: true, targetRows: 1_000) }
            #expect(times(table.scan(start: 1_234_000, end: 1_240_000)) == Array(stride(from: Int64(1_234_000), through: 1_240_000, by: 1_000)))
            #expect(times(table.scan(start: 1_234_001, end: 1_234_999)).isEmpty)
            #expect(table.scan(start: 4_999_000).reduce(0) { $0 + $1.rows.count } == 1)
            #expect(table.scan(end: 999).reduce(0) { $0 + $1.rows.count } == 1)
            #expect(table.scan().reduce(0) { $0 + $1.rows.count } == 5_000)
        }
        #expect(table.info.coldBatches == 5)
    }

    @Test func bitPackingCoversEveryWidth() {
        for width in 0...64 {
            let hi: Int64 = width == 0 ? 0 : (width == 64 ? .max : (1 << Int64(width - 1)))
            let values: [Int64] = width == 64 ? [.min, .max, 0, -1, 17] : [0, hi, hi / 2, 1 % max(1, hi + 1), hi]
            let packed = BitPackedInts(values.map { $0 &+ 1_000 })
            #expect(packed.unpacked() == values.map { $0 &+ 1_000 }, "width \(width)")
            #expect(packed[1] == values[1] &+ 1_000)
        }
        let times = (0..<1_000).map { Int64(1_767_225_600_000_000_000) + Int64($0) * 360 + Int64($0 % 5) }
        guard case .delta(let first, let deltas) = EncodedColumn(.int64(times)) else {
            Issue.record("sorted times should be delta-encoded"); return
        }
        #expect(first == times[0])
        #expect(deltas.width <= 9)
        #expect(EncodedColumn(.int64(times)).decode().count == 1_000)
        if case .int64(let back) = EncodedColumn(.int64(times)).decode() { #expect(back == times) }
    }

    @Test func schemaMismatchIsRejected() throws {
        let table = Table(schema: allTypes, policy: RetentionPolicy(window: nil, byteBudget: 1 << 30))
        let other = Schema(name: "x", fields: [Field("time_", .time64ns)])
        #expect(throws: StoreError.self) { try table.append(RecordBatch(schema: other, columns: [.int64([1])])) }
        #expect(throws: StoreError.self) { try RecordBatch(schema: other, columns: [.string(StringArray(["a"]))]) }
        var b = RecordBatchBuilder(schema: allTypes)
        #expect(throws: StoreError.self) { try b.append(row: [.int64(1)]) }
        #expect(throws: StoreError.self) {
            try b.append(row: [.string("t"), .int64(1), .uint128(1), .float64(1), .boolean(true), .string("")])
        }
    }
}

import Testing
import Foundation
import Synchronization
import SpriteStore

@Suite("Concurrency")
struct ConcurrencyTests {
    /// One writer appends batches of 100 rows whose `i` column is the row's global sequence number;
    /// readers scan concurrently while compaction runs. Every scan must see whole batches only: a
    /// row count that is a multiple of 100, sequence numbers contiguous from the first one, and
    /// never fewer rows than an earlier scan (the budget is large, nothing expires).
    @Test func writerReadersAndCompactionAgree() async throws {
        let schema = Schema(name: "seq", fields: [Field("time_", .time64ns), Field("i", .int64), Field("s", .string)])
        let table = Table(schema: schema, policy: RetentionPolicy(window: nil, byteBudget: 1 << 32), clock: .manual(startingAt: 0))
        let batches = 400, perBatch = 100
        let done = Flag()
        let failures = Failures()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for k in 0..<batches {
                    var b = RecordBatchBuilder(schema: schema, capacity: perBatch)
                    for r in 0..<perBatch {
                        let seq = Int64(k * perBatch + r)
                        b.append(seq * 10, to: 0); b.append(seq, to: 1); b.append("v\(seq % 13)", to: 2); b.finishRow()
                    }
                    try table.append(b.finish())
                    if k % 16 == 0 { await Task.yield() }
                }
                done.value.store(true, ordering: .releasing)
            }
            group.addTask {
                while !done.value.load(ordering: .acquiring) {
                    table.compact(targetRows: 1_000, maxHotAge: .max)
                    await Task.yield()
                }
                table.compact(force: true)
            }
            for _ in 0..<3 {
                group.addTask {
                    var last = 0
                    while !done.value.load(ordering: .acquiring) {
                        let slices = table.scan()
                        var seen: [Int64] = []
                        for s in slices {
                            guard case .int64(let v) = s.batch.column(1) else { continue }
                            seen.append(contentsOf: v[s.rows])
                        }
                        let problem: String? =
                            seen.count % perBatch != 0 ? "torn batch: \(seen.count) rows" :
                            seen.count < last ? "rows went backwards: \(seen.count) < \(last)" :
                            seen != Array(0..<Int64(seen.count)) ? "sequence not contiguous" : nil
                        if let problem { failures.list.withLock { $0.append(problem) } }
                        last = seen.count
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(failures.list.withLock { $0 }.isEmpty)
        let info = table.info
        #expect(info.rows == batches * perBatch)
        #expect(info.hotBatches == 0)
        var total = 0
        var sum: Int64 = 0
        for s in table.scan() {
            guard case .int64(let v) = s.batch.column(1) else { continue }
            total += s.rows.count
            sum += v[s.rows].reduce(0, +)
        }
        let n = Int64(batches * perBatch)
        #expect(total == batches * perBatch)
        #expect(sum == n * (n - 1) / 2)
    }
}

private final class Flag: Sendable { let value = Atomic<Bool>(false) }
private final class Failures: Sendable { let list = Mutex<[String]>([]) }

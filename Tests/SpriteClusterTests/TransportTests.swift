import Foundation
import Testing
@testable import SpriteCluster
import SpriteEngine
import SpritePxL
import SpriteStore

@Suite("Plan splitting and the edge -> aggregator encoding")
struct TransportTests {
    static func batch() throws -> RecordBatch {
        let schema = Schema(name: "t", fields: [
            Field("time_", .time64ns), Field("n", .int64), Field("x", .float64), Field("ok", .boolean),
            Field("upid", .uint128), Field("path", .string), Field("method", .string),
        ])
        let n = 70_000
        let dictionary = StringArray(["GET", "POST", "PUT"])
        return try RecordBatch(schema: schema, columns: [
            .int64((0..<n).map { 1_767_225_600_000_000_000 + Int64($0) * 1_000_003 }),
            .int64((0..<n).map { $0 == 5 ? Int64.min : $0 == 6 ? Int64.max : Int64($0 % 17) - 8 }),
            .float64((0..<n).map { Double($0) * 0.25 - 3 }),
            .boolean((0..<n).map { $0 % 3 == 0 }),
            .uint128((0..<n).map { UInt128($0 % 5) << 100 | UInt128($0) }),
            .string(StringArray((0..<n).map { "/api/v1/users/\($0 % 300)" + ($0 == 9 ? "é\"\n" : "") })),
            .dictionary(codes: (0..<n).map { UInt32($0 % 3) }, dictionary: dictionary),
        ])
    }

    static func stream(_ batches: [RecordBatch]) -> [UInt8] {
        var bytes = FragmentStream.magic
        for (i, b) in batches.enumerated() { for f in FragmentStream.frames(index: i, batch: b) { bytes += f } }
        return bytes + FragmentStream.endFrame(EdgeStats(rowsProcessed: 7, bytesProcessed: 8, execNanos: 9))
    }

    @Test func batchesRoundTripInChunksOfAnySize() throws {
        let b = try Self.batch()
        let empty = RecordBatch(unchecked: b.schema, columns: b.schema.fields.map { ColumnData.empty($0.type) }, count: 0)
        let bytes = Self.stream([b, empty])
        // Compression pays on this data: far fewer bytes than the values' fixed widths.
        #expect(bytes.count < b.count * 20)
        for chunk in [1, 7, 4096, bytes.count] {
            var reader = FragmentStreamReader(expected: [b.schema, empty.schema])
            var i = 0
            while i < bytes.count {
                try reader.feed(bytes[i..<min(i + chunk, bytes.count)])
                i += chunk
            }
            #expect(reader.stats == EdgeStats(rowsProcessed: 7, bytesProcessed: 8, execNanos: 9))
            let got = reader.batches[0]
            #expect(got.count == 3)  // 70,000 rows in frames of 32,768
            #expect(got.reduce(0) { $0 + $1.count } == b.count)
            var base = 0
            for part in got {
                for r in Array(0..<min(part.count, 1500)) + Array(max(0, part.count - 20)..<part.count) {
                    #expect(part.row(r) == b.row(base + r))
                }
                base += part.count
            }
            #expect(reader.batches[1].reduce(0) { $0 + $1.count } == 0)
        }
    }

    @Test func malformedStreamsThrowAndNeverTrap() throws {
        let b = try Self.batch().slice(0..<500)
        let bytes = Self.stream([b])
        var rng = SystemRandomNumberGenerator()
        var rejected = 0
        for trial in 0..<600 {
            var damaged = bytes
            if trial % 3 == 0 {
                damaged.removeLast(Int.random(in: 1..<damaged.count, using: &rng))
            } else {
                for _ in 0..<(1 + trial % 5) {
                    damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            var reader = FragmentStreamReader(expected: [b.schema])
            do {
                try reader.feed(damaged)
                if reader.stats == nil { rejected += 1 }
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 300)
        // A stream for other schemas (another version's plan) is refused with a clear message.
        var other = FragmentStreamReader(expected: [Schema(name: "f0", fields: [Field("x", .int64)])])
        do {
            try other.feed(bytes)
            Issue.record("a stream of other schemas was accepted")
        } catch {
            #expect(error.message.contains("plan differs"))
        }
    }

    static func split(_ script: String) throws -> DistributedPlan {
        let store = TableStore()
        return try QueryService.distributedPlan(script: script, function: nil, args: nil, now: 1_767_225_600_000_000_000,
                                                partialAggregation: true, catalog: store)
    }

    @Test func aggregatesArePartialOnEdgesAndFinalOnTheAggregator() throws {
        let plan = try Self.split("""
            import px
            df = px.DataFrame(table='http_events')
            df = df[df.resp_status >= 500]
            df = df.groupby('req_path').agg(n=('latency', px.count), q=('latency', px.quantiles))
            px.display(df)
            """)
        #expect(plan.fragments.count == 1)
        guard case .aggregate(.filter(.scan, _), let keys, _, .partial) = plan.fragments[0].plan else {
            Issue.record("edge fragment: \(plan.fragments[0].plan)"); return
        }
        #expect(keys == ["req_path"])
        #expect(plan.fragments[0].schema.fields.map(\.description).last?.hasPrefix("sprite.partial:quantiles:INT64") == true)
        guard case .sink(.limit(.aggregate(.input("f0", _), _, let calls, .final), 10_000), "output") = plan.finalPlans[0] else {
            Issue.record("final plan: \(plan.finalPlans[0])"); return
        }
        #expect(calls.map(\.column) == ["n", "q"])
    }

    @Test func limitsRunOnEdgesAndAgainOnTheAggregator() throws {
        let plan = try Self.split("""
            import px
            df = px.DataFrame(table='http_events', select=['req_path', 'latency'])
            df.ms = df.latency / 1000000
            px.display(df.head(5))
            """)
        #expect(plan.fragments.count == 1)
        guard case .limit(.map(.scan, _), 5) = plan.fragments[0].plan else {
            Issue.record("edge fragment: \(plan.fragments[0].plan)"); return
        }
        guard case .sink(.limit(.limit(.input("f0", _), 5), 10_000), _) = plan.finalPlans[0] else {
            Issue.record("final plan: \(plan.finalPlans[0])"); return
        }
    }

    @Test func joinsRunOnTheAggregatorOverTwoPartialAggregates() throws {
        let plan = try Self.split(String(decoding: FileManager.default.contents(atPath: ClusterTests.fixtures.appendingPathComponent("q4_join.pxl").path)!, as: UTF8.self))
        #expect(plan.fragments.count == 2)
        let partial = plan.fragments.map { $0.isPartialAggregate }
        #expect(partial == [true, true])
        guard case .sink(.limit(.map(.join(.aggregate(.input("f0", _), _, _, .final), .aggregate(.input("f1", _), _, _, .final), .left, _, _, _), _), _), _) = plan.finalPlans[0] else {
            Issue.record("final plan: \(plan.finalPlans[0])"); return
        }
    }
}

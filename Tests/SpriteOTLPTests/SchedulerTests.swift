import Foundation
import Synchronization
import SpriteTestSupport
import Testing
import SpriteExport
import SpriteOTLP
import SpriteStore

/// Scheduled exports: contiguous windows through receiver outages and restarts.
@Suite("Export scheduler", .serialized)
struct SchedulerTests {
    static let t0 = ExportTests.t0
    static let s: Int64 = 1_000_000_000

    final class ManualTime: Sendable {
        let ns: Mutex<Int64>
        init(_ v: Int64) { ns = Mutex(v) }
        func set(_ v: Int64) { ns.withLock { $0 = v } }
        var now: Int64 { ns.withLock { $0 } }
    }

    static func database() -> (ExportDatabase, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-exports-\(UUID().uuidString).sqlite").path
        return (try! ExportDatabase(path: path), path)
    }

    /// The url.path of every span received, ordered by the request number in the path (spans of one
    /// request are grouped by resource, not by time); duplicates stay.
    static func paths(_ receiver: Receiver) async throws -> [String] {
        try await receiver.spans().map { Receiver.attributes($0.span["attributes"])["url.path"] ?? "?" }
            .sorted { Int($0.dropFirst(3)) ?? -1 < Int($1.dropFirst(3)) ?? -1 }
    }

    @Test func windowsStayContiguousThroughOutagesAndRestarts() async throws {
        let time = ManualTime(Self.t0 + 10 * Self.s)
        let store = try ExportTests.store(seconds: 60, clock: .manual(startingAt: Self.t0 + 100 * Self.s))
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let (db, path) = Self.database()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = ExportRunner(engine: LocalQueryEngine(store: store), exporter: OTLPExporter(maxAttempts: 1))
        var scheduler = ExportScheduler(database: db, runner: runner, lag: 0, clock: { time.now })
        // Added at t0+10s with every=10s: the first window is [t0, t0+10s).
        _ = try await scheduler.add(name: "spans", script: ExportTests.spanScript, every: 10 * Self.s, endpoint: receiver.url)
        await scheduler.runDue()
        #expect(try await Self.paths(receiver) == (0..<10).map { "/r/\($0)" })

        // The receiver goes down for three windows.
        receiver.stop()
        for k in 2...4 {
            time.set(Self.t0 + Int64(k) * 10 * Self.s)
            await scheduler.runDue()
        }
        let history = try await scheduler.history("spans")
        #expect(history.first?.status == .ok)
        #expect(history.dropFirst().allSatisfy { $0.status == .retrying && $0.windowStart == Self.t0 + 10 * Self.s })

        // It comes back: every window arrives once, in order.
        try await receiver.restart()
        time.set(Self.t0 + 40 * Self.s + 60 * Self.s)  // past any backoff; windows up to t0+100s are due
        // ...but first, the broker restarts: a new scheduler over the same database.
        scheduler = ExportScheduler(database: try ExportDatabase(path: path), runner: runner, lag: 0, clock: { time.now })
        await scheduler.runDue()
        let all = try await Self.paths(receiver)
        // The restarted receiver holds what came after the first window (0–9 went to the old one).
        #expect(all == (10..<60).map { "/r/\($0)" }, "\(all)")
        let runs = try await scheduler.history("spans").filter { $0.status == .ok }
        let step: Int64 = 10 * Self.s
        let expectedStarts: [Int64] = (0..<10).map { Self.t0 + Int64($0) * step }
        let starts: [Int64] = runs.map(\.windowStart)
        #expect(starts == expectedStarts)
        #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.windowEnd == $1.windowStart })
        let lastEnd = try await scheduler.schedules().first?.lastEnd
        #expect(lastEnd == Self.t0 + 100 * Self.s)
    }

    @Test func refusedWindowIsReportedAndTheScheduleGoesOn() async throws {
        let time = ManualTime(Self.t0 + 10 * Self.s)
        let store = try ExportTests.store(seconds: 20, clock: .manual(startingAt: Self.t0 + 100 * Self.s))
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let (db, path) = Self.database()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scheduler = ExportScheduler(database: db, runner: ExportRunner(engine: LocalQueryEngine(store: store)), lag: 0, clock: { time.now })
        _ = try await scheduler.add(name: "spans", script: ExportTests.spanScript, every: 10 * Self.s, endpoint: receiver.url)
        try await receiver.control(["fail": [400]])
        await scheduler.runDue()
        time.set(Self.t0 + 20 * Self.s)
        await scheduler.runDue()
        let history = try await scheduler.history("spans")
        #expect(history.map(\.status) == [.failed, .ok])
        #expect(history[0].message.contains("HTTP 400"))
        #expect(try await Self.paths(receiver) == (10..<20).map { "/r/\($0)" })
    }

    @Test func badScriptsAreRefusedAtAddWithLineAndColumn() async throws {
        let store = try ExportTests.store(clock: .manual(startingAt: Self.t0))
        let (db, path) = Self.database()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scheduler = ExportScheduler(database: db, runner: ExportRunner(engine: LocalQueryEngine(store: store)), lag: 0)
        func refusal(_ script: String) async -> ExportError? {
            do { _ = try await scheduler.add(name: "x", script: script, every: 10 * Self.s, endpoint: "http://127.0.0.1:1"); return nil } catch { return error }
        }
        let head = "import px\ndf = px.DataFrame(table='http_events', start_time=px.plugin.start_time, end_time=px.plugin.end_time)\n"
        let noService = await refusal(head + "px.export(df, px.otel.Data(resource={'env': 'x'}, data=[px.otel.log.Log(time=df.time_, body=df.req_path)]))")
        #expect(noService?.code == .badScript)
        #expect(noService?.line == 3 && noService?.column == 37, "\(String(describing: noService?.line)):\(String(describing: noService?.column))")
        #expect(noService?.message.contains("must contain 'service.name'") == true)
        let textGauge = await refusal(head + "px.export(df, px.otel.Data(resource={'service.name': 'a'},\n    data=[px.otel.metric.Gauge(name='g', value=df.req_path)]))")
        #expect(textGauge?.line == 4 && textGauge?.column == 48, "\(String(describing: textGauge?.line)):\(String(describing: textGauge?.column))")
        #expect(textGauge?.message.contains("must be numeric (INT64 or FLOAT64), got STRING") == true)
        let unknown = await refusal(head + "px.export(df, px.otel.Data(resource={'service.name': df.svc}, data=[px.otel.log.Log(time=df.time_, body='x')]))")
        #expect(unknown?.line == 3 && unknown?.message.contains("Column 'svc' not found") == true)
        let unwindowed = await refusal("import px\ndf = px.DataFrame(table='http_events', start_time='-5m')\npx.export(df, px.otel.Data(resource={'service.name': 'a'}, data=[px.otel.log.Log(time=df.time_, body='x')]))")
        #expect(unwindowed?.message.contains("must read its window") == true)
        #expect(try await scheduler.schedules().isEmpty)
    }
}

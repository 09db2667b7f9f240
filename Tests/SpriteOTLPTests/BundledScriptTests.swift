import Foundation
import SpriteTestSupport
import Testing
import SpriteEngine
import SpriteExport
import SpriteStore

/// The export scripts shipped in scripts/pxl compile against the canonical tables, and the HTTP
/// ones produce the stable semantic-convention attributes.
@Suite("Bundled export scripts", .serialized)
struct BundledScriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/pxl")

    static func script(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func everyBundledScriptCompiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasPrefix("export_") }.sorted()
        #expect(names == ["export_dns_spans.pxl", "export_http_duration.pxl", "export_http_spans.pxl", "export_kafka_spans.pxl",
                          "export_mysql_spans.pxl", "export_pgsql_spans.pxl", "export_redis_spans.pxl"])
        for name in names {
            let compiled = try ExportRunner.compile(try Self.script(name), catalog: StaticCatalog.canonical, start: 0, end: 10_000_000_000)
            #expect(!compiled.exports.isEmpty, "\(name)")
        }
    }

    @Test func httpSpansCarrySemanticConventions() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let store = try ExportTests.store(clock: .manual(startingAt: ExportTests.t0 + 60_000_000_000))
        let schedule = ExportSchedule(name: "h", script: try Self.script("export_http_spans.pxl"), every: 10_000_000_000, endpoint: receiver.url)
        _ = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(schedule, start: ExportTests.t0, end: ExportTests.t0 + 10_000_000_000)
        let spans = try await receiver.spans()
        #expect(spans.count == 10)  // all fixture rows are server side
        let s = try #require(spans.first { Receiver.attributes($0.span["attributes"])["url.path"] == "/r/4" })
        let a = Receiver.attributes(s.span["attributes"])
        #expect(a["http.request.method"] == "GET")
        #expect(a["http.response.status_code"] == "200")
        #expect(a["url.scheme"] == "http")
        #expect(a["network.protocol.version"] == "1.1")
        #expect(a["server.address"] == "127.0.0.1")
        #expect(a["server.port"] == "8080")
        #expect(a["client.address"] == "10.0.0.1")
        #expect(s.span["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(s.span["name"] as? String == "GET")
        #expect(!(s.resource["service.name"] ?? "").isEmpty)
    }

    @Test func durationHistogramUsesSecondsAndAdvisoryBuckets() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let store = try ExportTests.store(clock: .manual(startingAt: ExportTests.t0 + 60_000_000_000))
        let schedule = ExportSchedule(name: "d", script: try Self.script("export_http_duration.pxl"), every: 10_000_000_000, endpoint: receiver.url)
        _ = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(schedule, start: ExportTests.t0, end: ExportTests.t0 + 10_000_000_000)
        let message = try #require(try await receiver.records().first?["message"] as? [String: Any])
        var points: [[String: Any]] = []
        for rm in message["resource_metrics"] as? [[String: Any]] ?? [] {
            for sm in rm["scope_metrics"] as? [[String: Any]] ?? [] {
                for m in sm["metrics"] as? [[String: Any]] ?? [] {
                    #expect(m["name"] as? String == "http.server.request.duration")
                    #expect(m["unit"] as? String == "s")
                    points += (m["histogram"] as? [String: Any])?["data_points"] as? [[String: Any]] ?? []
                }
            }
        }
        #expect(points.first?["explicit_bounds"] as? [Double] == [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
        // Rows 0..9: latencies 10..100 ms; method/status split them; all counts add up to 10.
        #expect(points.reduce(0) { $0 + (Int($1["count"] as? String ?? "") ?? 0) } == 10)
        let get200 = try #require(points.first {
            let a = Receiver.attributes($0["attributes"]); return a["http.request.method"] == "GET" && a["http.response.status_code"] == "200"
        })
        // GET and 200: rows 1, 2, 4, 7, 8 (20, 30, 50, 80, 90 ms).
        #expect(get200["count"] as? String == "5")
        #expect(abs((get200["sum"] as? Double ?? 0) - 0.27) < 1e-9)
        #expect(Receiver.attributes(get200["attributes"])["url.scheme"] == "http")
    }
}

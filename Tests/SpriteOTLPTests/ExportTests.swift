import Foundation
import Synchronization
import SpriteTestSupport
import Testing
import SpriteExport
import SpriteOTLP
import SpriteStore

/// Exports from real PxL scripts to the real OTLP receiver, decoded with `opentelemetry-proto`.
@Suite("OTLP export", .serialized)
struct ExportTests {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    /// A store with one request per second for `seconds` seconds from t0, alternating two
    /// services (remote_port 40100 = frontend, 40200 = backend).
    static func store(seconds: Int = 20, clock: StoreClock) throws -> TableStore {
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 64 << 20, retentionWindow: nil), clock: clock)
        var b = RecordBatchBuilder(schema: Schemas.httpEvents)
        for i in 0..<seconds {
            let pid: Int64 = i % 2 == 0 ? 100 : 200
            try b.append(row: [
                .time64ns(t0 + Int64(i) * 1_000_000_000 + 500_000_000), .uint128(UInt128(pid)), .string("10.0.0.1"), .int64(40_000 + pid),
                .string("127.0.0.1"), .int64(8080), .int64(2), .boolean(false), .int64(1), .int64(1), .int64(0),
                .string("{}"), .string(i % 3 == 0 ? "POST" : "GET"), .string("/r/\(i)"), .string(""), .int64(0), .string("{}"),
                .int64(i % 5 == 0 ? 500 : 200), .string("OK"), .string(""), .int64(100), .int64(Int64(i + 1) * 10_000_000),
            ])
        }
        try store.requireTable("http_events").append(b.finish())
        return store
    }

    static let spanScript = """
        import px
        df = px.DataFrame(table='http_events', start_time=px.plugin.start_time, end_time=px.plugin.end_time)
        df.service = px.select(df.remote_port == 40100, 'frontend', 'backend')
        df.start = df.time_ - df.latency
        px.export(df, px.otel.Data(
            resource={'service.name': df.service, 'deployment.environment': 'test'},
            data=[px.otel.trace.Span(
                name=df.req_method, start_time=df.start, end_time=df.time_, kind=px.otel.trace.SPAN_KIND_SERVER,
                attributes={'http.request.method': df.req_method, 'url.path': df.req_path, 'http.response.status_code': df.resp_status},
            )],
        ))
        """

    static func schedule(_ script: String, _ receiver: Receiver, encoding: String = "protobuf") -> ExportSchedule {
        ExportSchedule(name: "t", script: script, every: 10_000_000_000, endpoint: receiver.url, encoding: encoding)
    }

    @Test(arguments: ["protobuf", "json"])
    func spansArriveFieldByField(encoding: String) async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let store = try Self.store(clock: .manual(startingAt: Self.t0 + 60_000_000_000))
        let runner = ExportRunner(engine: LocalQueryEngine(store: store))
        let result = try await runner.run(Self.schedule(Self.spanScript, receiver, encoding: encoding), start: Self.t0, end: Self.t0 + 10_000_000_000)
        #expect(result.rows == 10)
        #expect(result.report.items == 10)
        let records = try await receiver.records()
        #expect(records.count == 1)
        #expect(records.first?["gzip"] as? Bool == true)
        #expect((records.first?["content_type"] as? String)?.contains(encoding == "json" ? "json" : "protobuf") == true)
        let spans = try await receiver.spans()
        #expect(spans.count == 10)
        // Rows are grouped by resource: one resource per service.
        #expect(Set(spans.map { $0.resource["service.name"] ?? "" }) == ["frontend", "backend"])
        #expect(spans.allSatisfy { $0.resource["deployment.environment"] == "test" })
        let message = records.first?["message"] as? [String: Any]
        #expect((message?["resource_spans"] as? [Any])?.count == 2)
        // Row 3: POST /r/3, status 200, latency 40 ms, time t0 + 3.5 s, backend (pid 200).
        let s = try #require(spans.first { Receiver.attributes($0.span["attributes"])["url.path"] == "/r/3" })
        #expect(s.resource["service.name"] == "backend")
        #expect(s.span["name"] as? String == "POST")
        #expect(s.span["kind"] as? String == "SPAN_KIND_SERVER")
        let attrs = Receiver.attributes(s.span["attributes"])
        #expect(attrs["http.request.method"] == "POST")
        #expect(attrs["http.response.status_code"] == "200")
        #expect(s.span["end_time_unix_nano"] as? String == String(Self.t0 + 3_500_000_000))
        #expect(s.span["start_time_unix_nano"] as? String == String(Self.t0 + 3_500_000_000 - 40_000_000))
        #expect((s.span["trace_id"] as? String)?.count == 32)
        #expect((s.span["span_id"] as? String)?.count == 16)
        #expect(Set(spans.compactMap { $0.span["span_id"] as? String }).count == 10)
    }

    @Test func metricsAndLogs() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let store = try Self.store(clock: .manual(startingAt: Self.t0 + 60_000_000_000))
        let script = """
            import px
            df = px.DataFrame(table='http_events', start_time=px.plugin.start_time, end_time=px.plugin.end_time)
            df.seconds = df.latency / 1000000000
            px.export(df, px.otel.Data(resource={'service.name': 'api'}, data=[
                px.otel.metric.Gauge(name='request.latency', value=df.latency, unit='ns', attributes={'path': df.req_path}),
                px.otel.metric.Histogram(name='http.server.request.duration', value=df.seconds, unit='s',
                                         explicit_bounds=[0.025, 0.05, 0.1], attributes={'http.request.method': df.req_method}),
                px.otel.log.Log(time=df.time_, body=df.req_path, severity='INFO', attributes={'status': df.resp_status}),
            ]))
            s = df.groupby('req_method').agg(n=('latency', px.count), total=('latency', px.sum), q=('latency', px.quantiles))
            s.p50 = px.pluck_float64(s.q, 'p50')
            s.time_ = px.now()
            px.export(s, px.otel.Data(resource={'service.name': 'api'}, data=[
                px.otel.metric.Summary(name='latency.summary', count=s.n, sum=s.total, quantile_values={0.5: s.p50},
                                       attributes={'method': s.req_method}),
            ]))
            """
        _ = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(Self.schedule(script, receiver), start: Self.t0, end: Self.t0 + 10_000_000_000)
        let records = try await receiver.records()
        let metricMessages = records.filter { $0["path"] as? String == "/v1/metrics" }.compactMap { $0["message"] as? [String: Any] }
        var metrics: [String: [String: Any]] = [:]
        for m in metricMessages {
            for rm in m["resource_metrics"] as? [[String: Any]] ?? [] {
                #expect(Receiver.attributes((rm["resource"] as? [String: Any])?["attributes"])["service.name"] == "api")
                for sm in rm["scope_metrics"] as? [[String: Any]] ?? [] {
                    #expect((sm["scope"] as? [String: Any])?["name"] as? String == "sprite")
                    for metric in sm["metrics"] as? [[String: Any]] ?? [] { metrics[metric["name"] as? String ?? ""] = metric }
                }
            }
        }
        // Gauge: one point per row, integer values.
        let gauge = try #require((metrics["request.latency"]?["gauge"] as? [String: Any])?["data_points"] as? [[String: Any]])
        #expect(gauge.count == 10)
        let g3 = try #require(gauge.first { Receiver.attributes($0["attributes"])["path"] == "/r/3" })
        #expect(g3["as_int"] as? String == "40000000")
        #expect(g3["time_unix_nano"] as? String == String(Self.t0 + 3_500_000_000))
        #expect(metrics["request.latency"]?["unit"] as? String == "ns")
        // Histogram per method: rows 0..9, POST at 0, 3, 6, 9 (latency 10, 40, 70, 100 ms).
        let histogram = try #require(metrics["http.server.request.duration"]?["histogram"] as? [String: Any])
        #expect(histogram["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        let points = try #require(histogram["data_points"] as? [[String: Any]])
        let post = try #require(points.first { Receiver.attributes($0["attributes"])["http.request.method"] == "POST" })
        #expect(post["count"] as? String == "4")
        #expect(post["bucket_counts"] as? [String] == ["1", "1", "2", "0"])  // 0.01 | 0.04 | 0.07, 0.1 | none above 0.1
        #expect(post["explicit_bounds"] as? [Double] == [0.025, 0.05, 0.1])
        #expect(abs((post["sum"] as? Double ?? 0) - 0.22) < 1e-9)
        #expect(post["min"] as? Double == 0.01)
        #expect(post["max"] as? Double == 0.1)
        #expect(post["start_time_unix_nano"] as? String == String(Self.t0))
        #expect(post["time_unix_nano"] as? String == String(Self.t0 + 10_000_000_000))
        // Summary per method.
        let summary = try #require((metrics["latency.summary"]?["summary"] as? [String: Any])?["data_points"] as? [[String: Any]])
        let sp = try #require(summary.first { Receiver.attributes($0["attributes"])["method"] == "POST" })
        #expect(sp["count"] as? String == "4")
        #expect(sp["sum"] as? Double == 220_000_000)
        let q = try #require((sp["quantile_values"] as? [[String: Any]])?.first)
        #expect(q["quantile"] as? Double == 0.5)
        #expect(abs((q["value"] as? Double ?? 0) - 40_000_000) <= 40_000_000 * 0.02 || abs((q["value"] as? Double ?? 0) - 70_000_000) <= 70_000_000 * 0.02)
        // Logs.
        let logMessage = try #require(records.first { $0["path"] as? String == "/v1/logs" }?["message"] as? [String: Any])
        let logRecords = ((logMessage["resource_logs"] as? [[String: Any]])?.first?["scope_logs"] as? [[String: Any]])?.first?["log_records"] as? [[String: Any]] ?? []
        #expect(logRecords.count == 10)
        let l3 = try #require(logRecords.first { ($0["body"] as? [String: Any])?["string_value"] as? String == "/r/3" })
        #expect(l3["severity_text"] as? String == "INFO")
        #expect(l3["severity_number"] as? String == "SEVERITY_NUMBER_INFO")
        #expect(Receiver.attributes(l3["attributes"])["status"] == "200")
        #expect(l3["time_unix_nano"] as? String == String(Self.t0 + 3_500_000_000))
    }

    @Test func retryAfterThenSuccessArrivesOnce() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        try await receiver.control(["fail": [503, 429], "retry_after": "1"])
        let store = try Self.store(clock: .manual(startingAt: Self.t0 + 60_000_000_000))
        let result = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(Self.schedule(Self.spanScript, receiver), start: Self.t0, end: Self.t0 + 10_000_000_000)
        #expect(result.report.attempts == 3)
        #expect(try await receiver.records().count == 1)
        #expect(try await receiver.spans().count == 10)
    }

    @Test func badRequestIsNotRetriedAndIsReported() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        try await receiver.control(["fail": [400]])
        let store = try Self.store(clock: .manual(startingAt: Self.t0 + 60_000_000_000))
        await #expect(throws: OTLPError.self) {
            _ = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(Self.schedule(Self.spanScript, receiver), start: Self.t0, end: Self.t0 + 10_000_000_000)
        }
        // One attempt only: the receiver's next answer would have been a success.
        try await receiver.control(["fail": []])
        #expect(try await receiver.records().isEmpty)
    }

    @Test func partialSuccessIsCounted() async throws {
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        try await receiver.control(["partial": 3])
        let store = try Self.store(clock: .manual(startingAt: Self.t0 + 60_000_000_000))
        let result = try await ExportRunner(engine: LocalQueryEngine(store: store)).run(Self.schedule(Self.spanScript, receiver), start: Self.t0, end: Self.t0 + 10_000_000_000)
        #expect(result.report.rejected == 3)
        #expect(result.report.messages == ["injected partial success"])
    }
}

import Foundation
import SpriteCluster
import SpriteExport
import SpriteOTLP
import SpriteStore

/// Measures OTLP export of `http_events` as spans: encode-only rate, the query step alone on the
/// three paths (the store directly, through the coordinator with the store as its local edge as in
/// `sprite up`, through the coordinator with the store behind a loopback edge server as with
/// `sprite aggregator`), and the end-to-end rate and bytes per span to a receiver, with gzip on and
/// off, on the `sprite up` path and (gzip on) the aggregator path.
struct OTLPBenchmark {
    let rows: Int
    let receiver: String
    let scriptPath: String

    func run() async throws -> [String: Double] {
        let t0: Int64 = 1_767_225_600_000_000_000
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 8 << 30, retentionWindow: nil), clock: .manual(startingAt: t0 + 7_200_000_000_000))
        var b = RecordBatchBuilder(schema: Schemas.httpEvents, capacity: rows)
        let paths = (0..<300).map { "/api/v\($0 % 3)/items/\($0)?q=\($0 % 7)" }
        for i in 0..<rows {
            b.append(t0 + Int64(i) * 1_000, to: 0); b.append(UInt128(1 + i % 24), to: 1); b.append("10.0.\(i % 16).\(i % 200)", to: 2)
            b.append(Int64(30_000 + i % 30_000), to: 3); b.append("10.1.0.2", to: 4); b.append(Int64(8080), to: 5); b.append(Int64(2), to: 6)
            b.append(false, to: 7); b.append(Int64(1), to: 8); b.append(Int64(1), to: 9); b.append(Int64(1), to: 10)
            b.append("{}", to: 11); b.append(i % 5 == 0 ? "POST" : "GET", to: 12); b.append(paths[i % 300], to: 13); b.append("", to: 14)
            b.append(Int64(0), to: 15); b.append("{}", to: 16); b.append(Int64(i % 50 == 0 ? 500 : 200), to: 17); b.append("OK", to: 18)
            b.append("", to: 19); b.append(Int64(1_000 + i % 5_000), to: 20); b.append(Int64(1_000_000 + i % 9_000_000), to: 21)
            b.finishRow()
        }
        try store.requireTable("http_events").append(b.finish(), compacted: true)
        let script = try String(contentsOfFile: scriptPath, encoding: .utf8)
        let end = t0 + Int64(rows) * 1_000 + 1
        var out: [String: Double] = ["rows": Double(rows)]

        // Encode only: plan, execute, build requests, encode protobuf (no network).
        let engine = LocalQueryEngine(store: store)
        let compiled = try ExportRunner.compile(script, catalog: store, start: t0, end: end)
        let encodeStart = DispatchTime.now().uptimeNanoseconds
        let batches = try await engine.runExports(of: compiled, script: script, start: t0, end: end)
        var encodedBytes = 0, spans = 0
        for (e, batch) in zip(compiled.exports, batches) {
            for r in try ExportBuilder().requests(for: batch, spec: e.spec, now: end) { encodedBytes += r.body(.protobuf).count; spans += r.items }
        }
        out["encode_spans_per_s"] = Double(spans) / (Double(DispatchTime.now().uptimeNanoseconds - encodeStart) / 1e9)
        out["protobuf_bytes_per_span"] = Double(encodedBytes) / Double(max(1, spans))

        // The query step alone, per path.
        let service = QueryService(store: store)
        let client = try ClusterClient(token: nil)
        defer { Task { await client.shutdown() } }
        let localRegistry = EdgeRegistry()
        localRegistry.addLocal(name: "local", service: service)
        let upEngine = ClusterExportEngine(coordinator: Coordinator(registry: localRegistry, client: client), database: nil)
        let server = NodeServer(host: "127.0.0.1", port: 0, service: service)
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let serverTask = Task { try await server.run { port in boundContinuation.yield(port) } }
        defer { serverTask.cancel() }
        var port = 0
        for await p in bound { port = p; break }
        let remoteRegistry = EdgeRegistry(heartbeatTimeout: .seconds(3600))
        remoteRegistry.register(name: "edge", url: "http://127.0.0.1:\(port)",
                                schemas: store.tableNames.compactMap { store.table(named: $0)?.schema })
        var aggregator = Coordinator(registry: remoteRegistry, client: client)
        aggregator.defaultTimeout = .seconds(600)
        let aggregatorEngine = ClusterExportEngine(coordinator: aggregator, database: nil)
        let engines: [(String, any ExportQueryEngine)] = [("direct", engine), ("up", upEngine), ("aggregator", aggregatorEngine)]
        for (name, e) in engines {
            let start = DispatchTime.now().uptimeNanoseconds
            let frames = try await e.runExports(of: compiled, script: script, start: t0, end: end)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            out["query_\(name)_spans_per_s"] = Double(frames.reduce(0) { $0 + $1.count }) / seconds
        }
        let compileStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<100 { _ = try ExportRunner.compile(script, catalog: store, start: t0, end: end) }
        out["compile_us"] = Double(DispatchTime.now().uptimeNanoseconds - compileStart) / 100 / 1e3

        for (path, e) in [("up", upEngine as any ExportQueryEngine), ("aggregator", aggregatorEngine)] {
            for gzip in path == "up" ? [false, true] : [true] {
                let schedule = ExportSchedule(name: "bench", script: script.replacingOccurrences(of: "px.otel.Data(", with: "px.otel.Data(endpoint=px.otel.Endpoint(url='\(receiver)', gzip=\(gzip ? "True" : "False"), timeout=60), "),
                                              every: 10_000_000_000, endpoint: receiver)
                let start = DispatchTime.now().uptimeNanoseconds
                let result = try await ExportRunner(engine: e).run(schedule, start: t0, end: end)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let key = (path == "up" ? "" : "aggregator_") + (gzip ? "gzip" : "plain")
                out["\(key)_spans_per_s"] = Double(result.report.items) / seconds
                out["\(key)_wire_bytes_per_span"] = Double(result.report.bytes) / Double(max(1, result.report.items))
                out["\(key)_spans"] = Double(result.report.items)
            }
        }
        return out
    }
}

import Foundation
import SpriteTestSupport
import Testing

/// Scheduled exports on `sprite aggregator`: runs go through the coordinator to every edge, and a
/// window is never marked exported while an edge is missing.
@Suite("Exports through the aggregator", .serialized)
struct ClusterExportTests {
    static let token = TestCluster.token
    static let rowsPerEdge = 20

    static let script = """
        import px
        df = px.DataFrame(table='http_events', start_time=px.plugin.start_time, end_time=px.plugin.end_time)
        px.export(df, px.otel.Data(resource={'service.name': 'api'},
            data=[px.otel.trace.Span(name=df.req_method, start_time=df.time_, end_time=df.time_,
                                     attributes={'url.path': df.req_path})]))
        """

    /// `http_events` rows of edge `edge`: paths `/e<edge>/r/<k>`, one every 150 ms from `from`,
    /// the two edges' rows interleaved (edge 1 is 75 ms behind edge 0) so windows hold both.
    static func csv(edge: Int, from: Int64) -> String {
        var out = "time_,upid,remote_addr,remote_port,req_method,req_path,req_body_size,resp_status,resp_body_size,latency\n"
        for k in 0..<rowsPerEdge {
            out += "\(time(edge: edge, k: k, from: from)),00000000-0000-0001-0000-000000000001,10.0.0.\(edge),4000\(edge),GET,/e\(edge)/r/\(k),0,200,10,1000000\n"
        }
        return out
    }

    static func time(edge: Int, k: Int, from: Int64) -> Int64 { from + Int64(k) * 150_000_000 + Int64(edge) * 75_000_000 }

    static func load(_ url: String, _ csv: String) async throws {
        let answer = try await HTTP.call("POST", url + "/api/v1/tables/http_events/csv", token: token, body: Data(csv.utf8),
                                         headers: ["Content-Type": "text/csv"])
        guard answer.status == 200 else { throw ClusterTestError("load failed: \(answer.text)") }
    }

    static func dataDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-cluster-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts an aggregator (schedules in `dir`) with two empty edges.
    static func cluster(dir: String) async throws -> TestCluster {
        let header = "time_,upid,remote_addr,remote_port,req_method,req_path,req_body_size,resp_status,resp_body_size,latency\n"
        return try await TestCluster.start(data: [header, header], aggregatorExtra: ["--data-dir", dir, "--query-timeout", "2s"])
    }

    /// Loads both edges' rows, timed from 10 s after now, so that they fall in windows the
    /// schedule added next has not exported yet (``addSchedule(_:receiver:rowsFrom:)`` checks it).
    static func loadRows(_ cluster: TestCluster) async throws -> Int64 {
        let from = Int64(Date().timeIntervalSince1970 * 1e9) + 10_000_000_000
        for e in 0..<2 { try await load(cluster.edge(e).url, csv(edge: e, from: from)) }
        return from
    }

    /// Adds the schedule (every 1 s); its first window must start no later than the rows.
    static func addSchedule(_ aggregator: String, receiver: Receiver, rowsFrom: Int64? = nil) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["name": "spans", "script": script, "every_seconds": 1, "endpoint": receiver.url])
        let added = try await HTTP.call("POST", aggregator + "/api/v1/exports", token: token, body: body)
        try #require(added.status == 201, "\(added.text)")
        try OpenAPICheck().check("POST", "/api/v1/exports", added)
        if let rowsFrom {
            let first = (((added.json as? [String: Any])?["exports"] as? [[String: Any]])?.first?["last_end"] as? Int64) ?? .max
            try #require(first <= rowsFrom, "the schedule was added more than 8 s after the rows were loaded: its first window starts after them")
        }
    }

    static func history(_ aggregator: String) async throws -> [[String: Any]] {
        let answer = try await HTTP.call("GET", aggregator + "/api/v1/exports/spans/history", token: token)
        try OpenAPICheck().check("GET", "/api/v1/exports/{name}/history", answer)
        return ((answer.json as? [String: Any])?["runs"] as? [[String: Any]]) ?? []
    }

    /// Waits until the schedule has exported windows past `time` (so any duplicate would have
    /// been sent by now), then returns every span received.
    static func spansAfterWindowsPast(_ time: Int64, aggregator: String, receiver: Receiver) async throws -> [(resource: [String: String], span: [String: Any])] {
        for _ in 0..<600 {
            let runs = try await history(aggregator)
            if runs.contains(where: { $0["status"] as? String == "ok" && ($0["window_start"] as? Int64 ?? 0) > time }) {
                return try await receiver.spans()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterTestError("the schedule never exported past \(time): \(try await history(aggregator))")
    }

    /// Checks that every row of both edges arrived exactly once with its time, inside the window
    /// of the ok run that counted it, and that ok runs are contiguous.
    static func checkExactlyOnce(_ spans: [(resource: [String: String], span: [String: Any])], from: Int64, runs: [[String: Any]]) {
        var count: [String: Int] = [:]
        var times: [String: String] = [:]
        for s in spans {
            let path = Receiver.attributes(s.span["attributes"])["url.path"] ?? "?"
            count[path, default: 0] += 1
            times[path] = s.span["start_time_unix_nano"] as? String
        }
        let expected = (0..<2).flatMap { e in (0..<rowsPerEdge).map { "/e\(e)/r/\($0)" } }
        #expect(Set(count.keys) == Set(expected), "\(count.keys.sorted())")
        #expect(count.values.allSatisfy { $0 == 1 }, "duplicates: \(count.filter { $0.value > 1 })")
        for e in 0..<2 {
            for k in 0..<rowsPerEdge {
                #expect(times["/e\(e)/r/\(k)"] == String(time(edge: e, k: k, from: from)), "/e\(e)/r/\(k)")
            }
        }
        let ok = runs.filter { $0["status"] as? String == "ok" }
        let windows = ok.map { ($0["window_start"] as? Int64 ?? 0, $0["window_end"] as? Int64 ?? 0) }
        #expect(zip(windows, windows.dropFirst()).allSatisfy { $0.1 == $1.0 }, "windows not contiguous: \(windows)")
        #expect(ok.reduce(0) { $0 + ($1["items"] as? Int ?? 0) } == 2 * rowsPerEdge)
        // Each run's items are the rows in its window, from both edges.
        for run in ok {
            let (a, b) = (run["window_start"] as? Int64 ?? 0, run["window_end"] as? Int64 ?? 0)
            let inWindow = (0..<2).flatMap { e in (0..<rowsPerEdge).map { time(edge: e, k: $0, from: from) } }.filter { $0 >= a && $0 < b }.count
            #expect(run["items"] as? Int == inWindow, "window [\(a), \(b))")
        }
    }

    @Test func scheduledExportCoversBothEdgesExactlyOnce() async throws {
        let dir = try Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cluster = try await Self.cluster(dir: dir)
        defer { cluster.terminate() }
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let from = try await Self.loadRows(cluster)
        try await Self.addSchedule(cluster.aggregator.url, receiver: receiver, rowsFrom: from)
        let last = Self.time(edge: 1, k: Self.rowsPerEdge - 1, from: from)
        let spans = try await Self.spansAfterWindowsPast(last, aggregator: cluster.aggregator.url, receiver: receiver)
        let runs = try await Self.history(cluster.aggregator.url)
        Self.checkExactlyOnce(spans, from: from, runs: runs)
        // Windows hold both edges' rows, merged into one request by the aggregator.
        let mixed = try await receiver.records().contains { r in
            let text = "\(r["message"] ?? "")"
            return text.contains("/e0/r/") && text.contains("/e1/r/")
        }
        #expect(mixed)
        // The same frames ad hoc: a query with the window and "exports" answers them as result tables.
        let preview = try await HTTP.query(cluster.aggregator.url, token: Self.token,
                                           ["script": Self.script, "plugin_start_time": from, "plugin_end_time": last, "exports": true])
        #expect(preview.status == 200, "\(preview.text)")
        let api = try OpenAPICheck()
        api.check("POST", "/api/v1/query", preview)
        let tables = (preview.json as? [String: Any])?["tables"] as? [[String: Any]] ?? []
        #expect(tables.map { $0["name"] as? String } == ["__export_0"])
        #expect((tables.first?["rows"] as? [Any])?.count == 2 * Self.rowsPerEdge)
        let halfWindow = try await HTTP.query(cluster.aggregator.url, token: Self.token, ["script": Self.script, "plugin_start_time": from])
        #expect(halfWindow.status == 400 && halfWindow.text.contains("plugin_start_time and plugin_end_time go together"), "\(halfWindow.text)")
        let noWindow = try await HTTP.query(cluster.aggregator.url, token: Self.token, ["script": Self.script, "exports": true])
        #expect(noWindow.status == 400 && noWindow.text.contains("only set when the script runs as a scheduled export"), "\(noWindow.text)")
        // The list route of the aggregator shows the schedule and its last run.
        let list = try await HTTP.call("GET", cluster.aggregator.url + "/api/v1/exports", token: Self.token)
        #expect(list.text.contains("\"name\":\"spans\"") && list.text.contains("\"status\":\"ok\""), "\(list.text)")
        api.check("GET", "/api/v1/exports", list)
        let request: [String: Any] = ["script": Self.script, "plugin_start_time": from, "plugin_end_time": last, "exports": true]
        #expect(api.problems(try #require(JSONNode.parse(try JSONSerialization.data(withJSONObject: request))),
                             api.resolve(["$ref": "#/components/schemas/QueryRequest"])).isEmpty)
    }

    @Test func windowWaitsForAnUnreachableEdgeAndArrivesCompleteOnce() async throws {
        let dir = try Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cluster = try await Self.cluster(dir: dir)
        defer {
            kill(cluster.edge(1).process.processIdentifier, SIGCONT)
            cluster.terminate()
        }
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        let from = try await Self.loadRows(cluster)
        // edge1 stops answering (frozen: no heartbeats, requests time out) with its rows in memory.
        kill(cluster.edge(1).process.processIdentifier, SIGSTOP)
        try await Self.addSchedule(cluster.aggregator.url, receiver: receiver, rowsFrom: from)
        var failed: [String: Any]?
        for _ in 0..<600 where failed == nil {
            failed = try await Self.history(cluster.aggregator.url).first { $0["status"] as? String == "retrying" }
            if failed == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let message = failed?["message"] as? String ?? ""
        #expect(message.contains("edge1") && message.contains("the window is retried"), "\(message)")
        // The runs after it wait behind the failed window: nothing was exported, not even edge0's rows.
        let runs = try await Self.history(cluster.aggregator.url)
        #expect(!runs.contains { $0["status"] as? String == "ok" }, "\(runs)")
        #expect(try await receiver.spans().isEmpty)
        #expect(!runs.contains { $0["status"] as? String == "failed" }, "\(runs)")

        // edge1 comes back: the windows are retried and arrive complete, each row once.
        kill(cluster.edge(1).process.processIdentifier, SIGCONT)
        let last = Self.time(edge: 1, k: Self.rowsPerEdge - 1, from: from)
        let spans = try await Self.spansAfterWindowsPast(last, aggregator: cluster.aggregator.url, receiver: receiver)
        Self.checkExactlyOnce(spans, from: from, runs: try await Self.history(cluster.aggregator.url))
    }

    @Test func restartedAggregatorWaitsForKnownEdgesUntilOneIsRemoved() async throws {
        let dir = try Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = TestCluster.environment
        let aggArgs = ["aggregator", "--heartbeat-timeout", "3s", "--data-dir", dir, "--query-timeout", "2s"]
        var agg = try await SpriteProcess.start(aggArgs + ["--listen", "127.0.0.1:0"], environment: env)
        let edge0 = try await SpriteProcess.start(TestCluster.edgeArgs(0, aggregator: agg.url), environment: env)
        defer { edge0.terminate() }
        let edge1 = try await SpriteProcess.start(TestCluster.edgeArgs(1, aggregator: agg.url), environment: env)
        defer { edge1.terminate() }
        let cluster = TestCluster(aggregator: agg, edges: [edge0, edge1], data: [])
        try await cluster.waitForAgents(ok: 2)
        // The aggregator restarts while edge1 is gone: it no longer lists edge1, but exports still
        // wait for it, since it took part before.
        await edge1.stop(signal: SIGKILL)
        await agg.stop(signal: SIGKILL)
        agg = try await SpriteProcess.start(aggArgs + ["--listen", "127.0.0.1:\(agg.port)"], environment: env)
        defer { agg.terminate() }
        try await TestCluster(aggregator: agg, edges: [edge0], data: []).waitForAgents(ok: 1)
        let receiver = try await Receiver.start()
        defer { receiver.stop() }
        try await Self.addSchedule(agg.url, receiver: receiver)
        var message = ""
        for _ in 0..<600 where message.isEmpty {
            message = try await Self.history(agg.url).first { $0["status"] as? String == "retrying" }?["message"] as? String ?? ""
            if message.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(message.contains("edge1") && message.contains("has not registered since the aggregator started"), "\(message)")
        #expect(!(try await Self.history(agg.url)).contains { $0["status"] as? String == "ok" })

        // Taken out of the cluster for good: removed, and the schedule goes on with edge0.
        let missing = try await HTTP.call("DELETE", agg.url + "/api/v1/agents/nosuchedge", token: Self.token)
        #expect(missing.status == 404, "\(missing.text)")
        try OpenAPICheck().check("DELETE", "/api/v1/agents/{name}", missing)
        let removed = try await HTTP.call("DELETE", agg.url + "/api/v1/agents/edge1", token: Self.token)
        #expect(removed.status == 200, "\(removed.text)")
        try OpenAPICheck().check("DELETE", "/api/v1/agents/{name}", removed)
        var ok = false
        for _ in 0..<600 where !ok {
            ok = try await Self.history(agg.url).contains { $0["status"] as? String == "ok" }
            if !ok { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ok)
    }
}

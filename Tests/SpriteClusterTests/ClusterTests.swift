import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import SpriteCluster
import SpriteEngine
import SpriteStore

/// Three `sprite edge` processes with different data and one `sprite aggregator`, against one
/// in-process node holding the union of the data.
@Suite("Cluster: aggregator, broker and three edges", .serialized)
struct ClusterTests {
    static let token = TestCluster.token

    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    /// The benchmark queries (copied from ../shared/bench/queries).
    static func benchQueries() throws -> [(String, String)] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".pxl") }.sorted().map {
            ($0, try String(contentsOf: fixtures.appendingPathComponent($0), encoding: .utf8))
        }
    }

    /// Scripts shaped like Pixie's: filters, maps, every aggregate, joins, appends, heads,
    /// metadata, several result tables, function mode.
    static let scripts: [(name: String, script: String, countOnly: Set<String>)] = [
        ("per_path", """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.failure = df.resp_status >= 400
            df = df[df.req_method == 'GET']
            df = df.groupby(['req_path']).agg(
                n=('latency', px.count), failures=('failure', px.sum), worst=('latency', px.max),
                best=('latency', px.min), mean=('latency', px.mean), bytes=('resp_body_size', px.sum),
                q=('latency', px.quantiles), any_method=('req_method', px.any))
            df.p50 = px.pluck_float64(df.q, 'p50')
            df.p99 = px.pluck_float64(df.q, 'p99')
            px.display(df.drop(['q']), 'per_path')
            """, []),
        ("global", """
            import px
            df = px.DataFrame(table='http_events')
            df = df.agg(n=('latency', px.count), lat=('latency', px.mean), q=('latency', px.quantiles),
                        first=('time_', px.min), last=('time_', px.max))
            px.display(df)
            """, []),
        ("service_and_pods", """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.service = df.ctx['service']
            df.pid = df.ctx['pid']
            df = df.groupby(['service', 'pid', 'req_method']).agg(requests=('latency', px.count), errors=('resp_status', px.max))
            df = df[df.requests > 10]
            px.display(df, 'by_process')
            slow = px.DataFrame(table='http_events', start_time='-5m')
            slow = slow[slow.latency > 20000000]
            px.display(slow[['req_path', 'resp_status', 'latency']], 'slow')
            """, []),
        ("append_and_head", """
            import px
            a = px.DataFrame(table='http_events', select=['req_path', 'resp_status'], start_time='-5m')
            errs = a[a.resp_status >= 500]
            nf = a[a.resp_status == 404]
            both = errs.append(nf)
            px.display(both.groupby('resp_status').agg(n=('req_path', px.count)), 'codes')
            px.display(a.head(25), 'first')
            """, ["first"]),
        ("merge_of_raw_and_aggregate", """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            per = df.groupby('req_path').agg(n=('latency', px.count))
            errs = df[df.resp_status >= 500][['req_path', 'resp_status', 'latency']]
            j = errs.merge(per, how='inner', left_on='req_path', right_on='req_path', suffixes=['', '_p'])
            px.display(j, 'errors_with_volume')
            """, []),
        ("time_bins_minutes", """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.timestamp = px.bin(df.time_, px.minutes(1))
            df.slow = df.latency > px.DurationNanos(8000000)
            df = df.groupby(['timestamp', 'req_method']).agg(n=('latency', px.count), slow=('slow', px.sum),
                                                            share=('slow', px.mean))
            px.display(df)
            """, []),
    ]

    static let functionScript = """
        import px

        def slow_requests(start_time: str, min_latency_ms: int, svc: str):
            df = px.DataFrame(table='http_events', start_time=start_time)
            df = df[df.latency > min_latency_ms * 1000000]
            df = df[px.contains(df.req_path, svc)]
            return df.groupby('req_path').agg(n=('latency', px.count), worst=('latency', px.max))
        """

    static func data(now: Int64) -> [String] {
        [ClusterData.csv(rows: 3000, seed: 1, now: now), ClusterData.csv(rows: 2000, seed: 2, now: now),
         ClusterData.csv(rows: 4000, seed: 3, now: now)]
    }

    /// An in-process node holding `csvs`.
    static func referenceNode(_ csvs: [String]) throws -> QueryService {
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 256 << 20, retentionWindow: nil))
        let table = try store.requireTable("http_events")
        for csv in csvs {
            try CSVBatchReader(schema: table.schema).read(Array(csv.utf8)) { try table.append($0, compacted: true) }
        }
        return QueryService(store: store)
    }

    static func agents(_ answer: HTTPAnswer) -> [String: String] {
        let list = ((answer.json as? [String: Any])?["agents"] as? [[String: Any]]) ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0["status"] as? String ?? "") })
    }

    @Test func everyQueryMatchesOneNodeOverTheUnion() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let data = Self.data(now: now)
        let cluster = try await TestCluster.start(data: data)
        defer { cluster.terminate() }
        let reference = try Self.referenceNode(data)
        let base = cluster.aggregator.url

        var cases: [(String, String, Set<String>)] = try Self.benchQueries().map { ($0.0, $0.1, []) }
        cases += Self.scripts.map { ($0.name, $0.script, $0.countOnly) }
        for (name, script, countOnly) in cases {
            let answer = try await HTTP.query(base, token: Self.token, ["script": script])
            try #require(answer.status == 200, "\(name): \(answer.text)")
            #expect(Self.agents(answer) == ["edge0": "ok", "edge1": "ok", "edge2": "ok"], "\(name)")
            let got = try ResultTables(json: answer.body)
            let want = try ResultTables.local(reference, QueryRequest(script: script))
            #expect(got.tables.allSatisfy { !$0.rows.isEmpty } || name == "merge_of_raw_and_aggregate", "\(name): empty result \(got)")
            #expect(got.difference(from: want, countOnly: countOnly) == nil, "\(name): \(got.difference(from: want, countOnly: countOnly) ?? "")")
            let stats = (answer.json as? [String: Any])?["stats"] as? [String: Any]
            #expect((stats?["bytes_from_edges"] as? Int ?? 0) > 0, "\(name)")
        }

        // Function mode with arguments.
        let args = ["start_time": "-5m", "min_latency_ms": "6", "svc": "orders"]
        let f = try await HTTP.query(base, token: Self.token, ["script": Self.functionScript, "func": "slow_requests", "args": args])
        try #require(f.status == 200, "\(f.text)")
        let wantF = try ResultTables.local(reference, QueryRequest(script: Self.functionScript, function: "slow_requests", args: args))
        #expect(try ResultTables(json: f.body).difference(from: wantF) == nil)

        // Partial aggregation ships far fewer bytes than the rows the aggregate reads.
        let q1 = try Self.benchQueries()[0].1
        let partial = try await HTTP.query(base, token: Self.token, ["script": q1])
        let rows = try await HTTP.query(base, token: Self.token, ["script": q1, "partial_aggregation": false])
        #expect(try ResultTables(json: rows.body).difference(from: ResultTables(json: partial.body)) == nil)
        let pb = ((partial.json as? [String: Any])?["stats"] as? [String: Any])?["bytes_from_edges"] as? Int ?? 0
        let rb = ((rows.json as? [String: Any])?["stats"] as? [String: Any])?["bytes_from_edges"] as? Int ?? 0
        #expect(pb > 0 && pb * 5 < rb, "partial \(pb) bytes vs rows \(rb) bytes")

        // NDJSON: one line per table header and per row, then the status line.
        let q3 = try Self.benchQueries()[2].1
        let nd = try await HTTP.query(base, token: Self.token, ["script": q3], accept: "application/x-ndjson")
        #expect(nd.status == 200)
        #expect(nd.headers["content-type"]?.contains("application/x-ndjson") == true)
        let lines = nd.text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == nd.text.split(separator: "\n").count)
        let header = try #require(lines.first)
        let ndRows = lines.compactMap { $0["row"] as? [Any] }
        let ndTables = ResultTables(tables: [.init(name: header["table"] as? String ?? "", columns: (header["columns"] as? [[String: Any]] ?? []).map { $0["name"] as? String ?? "" },
                                                   types: (header["columns"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }, rows: ndRows)])
        #expect(ndTables.difference(from: try ResultTables.local(reference, QueryRequest(script: q3))) == nil)
        #expect((lines.last?["agents"] as? [[String: Any]])?.count == 3)

        // The broker's listings: tables summed over the edges, schemas, agents, metrics.
        let tables = try await HTTP.call("GET", base + "/api/v1/tables", token: Self.token)
        let http = ((tables.json as? [String: Any])?["tables"] as? [[String: Any]])?.first { $0["name"] as? String == "http_events" }
        #expect(http?["rows"] as? Int == 9000)
        #expect(http?["agents"] as? Int == 3)
        let metrics = try await HTTP.call("GET", base + "/metrics", token: Self.token)
        #expect(metrics.text.contains("sprite_edges_up 3"))
        #expect(metrics.text.contains("sprite_queries_total{outcome=\"ok\"}"))
        #expect(metrics.text.contains("sprite_query_duration_seconds_bucket{le=\"+Inf\"}"))

        // The CLI against the broker prints what it prints against one node with all the data.
        let node = try await Self.startReferenceServer(data)
        defer { node.terminate() }
        for (name, script) in try Self.benchQueries() where name.hasPrefix("q2") || name.hasPrefix("q4") {
            let viaBroker = try await CLITests.sprite(["run", "--server", base, "--token", Self.token, "-f", "-", "-o", "csv"], stdin: script)
            let viaNode = try await CLITests.sprite(["run", "--server", node.url, "-f", "-", "-o", "csv"], stdin: script)
            #expect(viaBroker.status == 0, "\(viaBroker.stderr)")
            #expect(!viaBroker.stdout.isEmpty)
            if name.hasPrefix("q2") {
                #expect(viaBroker.stdout.split(separator: "\n").sorted() == viaNode.stdout.split(separator: "\n").sorted())
            } else {
                #expect(viaBroker.stdout.split(separator: "\n").count == viaNode.stdout.split(separator: "\n").count)
            }
        }
        let agentsOut = try await CLITests.sprite(["agents", "--server", base, "--token", Self.token])
        #expect(agentsOut.status == 0)
        for i in 0..<3 { #expect(agentsOut.stdout.contains("edge\(i)")) }
        #expect(agentsOut.stdout.components(separatedBy: " ok ").count == 4, "\(agentsOut.stdout)")
        let tablesOut = try await CLITests.sprite(["tables", "--server", base], stdin: nil, environment: ["SPRITE_TOKEN": Self.token])
        #expect(tablesOut.status == 0, "\(tablesOut.stderr)")
        #expect(tablesOut.stdout.contains("http_events") && tablesOut.stdout.contains("9000"))

        // The OpenAPI document describes what the server answers.
        try await OpenAPICheck.verify(base: base, token: Self.token, script: q3)
    }

    /// A single `sprite edge` (no aggregator) with all the data: the one-node reference for the CLI.
    static func startReferenceServer(_ data: [String]) async throws -> SpriteProcess {
        let p = try await SpriteProcess.start(["edge", "--listen", "127.0.0.1:0", "--no-collector", "--retention", "off", "--memory", "256MiB"])
        for csv in data {
            let a = try await HTTP.call("POST", p.url + "/api/v1/tables/http_events/csv", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
            try #require(a.status == 200)
        }
        return p
    }

    @Test func missingEdgesArePartialResultsStrictFailsAndReturningEdgesAreUsed() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let data = Self.data(now: now)
        // edge2 waits 60 s before answering, so that it can be killed in the middle of a query.
        let cluster = try await TestCluster.start(data: data, edgeExtra: [2: ["--debug-fragment-delay-ms", "60000"]])
        defer { cluster.terminate() }
        let base = cluster.aggregator.url
        let q1 = try Self.benchQueries()[0].1
        let all = try ResultTables.local(try Self.referenceNode(data), QueryRequest(script: q1))
        let twoEdges = try ResultTables.local(try Self.referenceNode(Array(data.prefix(2))), QueryRequest(script: q1))

        // Mid-query: edge2 has run its fragments and holds them when it is killed.
        async let midQuery = HTTP.query(base, token: Self.token, ["script": q1])
        var running = false
        for _ in 0..<400 where !running {
            try await Task.sleep(for: .milliseconds(25))
            let m = try await HTTP.call("GET", cluster.edge(2).url + "/metrics", token: Self.token)
            running = m.text.contains("sprite_queries_in_flight 1")
        }
        #expect(running)
        await cluster.kill(edge: 2)
        let mid = try await midQuery
        try #require(mid.status == 200, "\(mid.text)")
        #expect(Self.agents(mid) == ["edge0": "ok", "edge1": "ok", "edge2": "unavailable"])
        #expect(try ResultTables(json: mid.body).difference(from: twoEdges) == nil)

        // Before a query: edge2 is down.
        let before = try await HTTP.query(base, token: Self.token, ["script": q1])
        #expect(before.status == 200)
        #expect(Self.agents(before)["edge2"] == "unavailable")
        #expect(try ResultTables(json: before.body).difference(from: twoEdges) == nil)
        let agentList = ((before.json as? [String: Any])?["agents"] as? [[String: Any]]) ?? []
        let edge2 = agentList.first { $0["name"] as? String == "edge2" }
        #expect(edge2?["url"] as? String == cluster.edge(2).url)
        #expect(((edge2?["message"] as? String) ?? "").isEmpty == false)

        // strict fails and says which edge is missing.
        let strict = try await HTTP.query(base, token: Self.token, ["script": q1, "strict": true])
        #expect(strict.status == 503)
        #expect(strict.text.contains("\"code\":\"incomplete\"") && strict.text.contains("edge2"))
        #expect(Self.agents(strict)["edge2"] == "unavailable")

        // edge2 comes back (without the delay) and is used again.
        try await cluster.restart(edge: 2)
        try await cluster.waitForAgents(ok: 3)
        let back = try await HTTP.query(base, token: Self.token, ["script": q1, "strict": true])
        try #require(back.status == 200, "\(back.text)")
        #expect(Self.agents(back) == ["edge0": "ok", "edge1": "ok", "edge2": "ok"])
        #expect(try ResultTables(json: back.body).difference(from: all) == nil)

        // Too slow: an edge that misses the query's deadline is reported, the others answer.
        await cluster.kill(edge: 2)
        try await cluster.restart(edge: 2, extra: ["--debug-fragment-delay-ms", "5000"])
        try await cluster.waitForAgents(ok: 3)
        let slow = try await HTTP.query(base, token: Self.token, ["script": q1, "timeout": 1])
        try #require(slow.status == 200, "\(slow.text)")
        #expect(Self.agents(slow) == ["edge0": "ok", "edge1": "ok", "edge2": "error"])
        #expect(slow.text.contains("no complete answer within 1"))
        #expect(try ResultTables(json: slow.body).difference(from: twoEdges) == nil)
        let slowStrict = try await HTTP.query(base, token: Self.token, ["script": q1, "timeout": 1, "strict": true])
        #expect(slowStrict.status == 503)
    }

    @Test func authenticationAndBadRequests() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let cluster = try await TestCluster.start(data: [ClusterData.csv(rows: 500, seed: 7, now: now)])
        defer { cluster.terminate() }
        let base = cluster.aggregator.url, edge = cluster.edge(0).url
        let q2 = try Self.benchQueries()[1].1

        for token in [nil, "wrong-token"] as [String?] {
            for (method, url) in [("POST", base + "/api/v1/query"), ("GET", base + "/api/v1/tables"), ("GET", base + "/api/v1/schemas"),
                                  ("GET", base + "/api/v1/agents"), ("GET", base + "/metrics"), ("POST", base + "/api/v1/agents"),
                                  ("POST", edge + "/api/v1/internal/fragments"), ("POST", edge + "/api/v1/query"),
                                  ("POST", edge + "/api/v1/tables/http_events/csv")] {
                let body = method == "POST" ? try JSONSerialization.data(withJSONObject: ["script": q2]) : nil
                let a = try await HTTP.call(method, url, token: token, body: body)
                #expect(a.status == 401, "\(method) \(url) with \(token ?? "no token"): \(a.status)")
                #expect(a.text.contains("\"code\":\"unauthorized\""))
                #expect(a.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            }
        }
        // Nothing ran: no fragment on the edge, no query on the aggregator.
        let edgeMetrics = try await HTTP.call("GET", edge + "/metrics", token: Self.token)
        #expect(edgeMetrics.text.contains("sprite_fragments_served_total 0"))
        #expect(edgeMetrics.text.contains("sprite_unauthorized_requests_total 6"))
        let aggMetrics = try await HTTP.call("GET", base + "/metrics", token: Self.token)
        #expect(!aggMetrics.text.contains("outcome=\"ok\"} 1"))
        let health = try await HTTP.call("GET", base + "/healthz")
        #expect(health.status == 200)

        // Malformed JSON, a missing field, wrong types.
        for (body, expected) in [("{not json", "invalid JSON"), ("{}", "missing field 'script'"), (#"{"script": 5}"#, "wrong type"),
                                 (#"{"script": "import px", "timeout": -1}"#, "timeout must be a positive")] {
            let a = try await HTTP.call("POST", base + "/api/v1/query", token: Self.token, body: Data(body.utf8))
            #expect(a.status == 400, "\(body)")
            #expect(a.text.contains("\"code\":\"bad_request\"") && a.text.contains(expected), "\(body): \(a.text)")
        }
        // A script of several megabytes: within the limit it compiles (and fails with a location);
        // above the limit it is refused with 413. The server keeps answering.
        let big = "import px\n" + String(repeating: "# padding padding padding padding padding padding padding\n", count: 60_000) + "px.display(nope)\n"
        let bigAnswer = try await HTTP.query(base, token: Self.token, ["script": big])
        #expect(bigAnswer.status == 400)
        #expect(bigAnswer.text.contains("\"line\":60002"), "\(bigAnswer.text.prefix(300))")
        let huge = String(repeating: "x", count: 9 << 20)
        let hugeAnswer = try await HTTP.query(base, token: Self.token, ["script": huge])
        #expect(hugeAnswer.status == 413)
        #expect(hugeAnswer.text.contains("larger than"))
        // An unknown function: 400 with line, column and a suggestion.
        let unknown = try await HTTP.query(base, token: Self.token, ["script": "import px\ndf = px.DataFrame(table='http_events')\ndf.x = px.contans(df.req_path, 'a')\npx.display(df)"])
        #expect(unknown.status == 400)
        let problem = (unknown.json as? [String: Any])?["error"] as? [String: Any]
        #expect(problem?["code"] as? String == "compile_error")
        #expect(problem?["line"] as? Int == 3)
        #expect(problem?["column"] as? Int != nil)
        #expect(((problem?["message"] as? String) ?? "").contains("contans"))
        // Still healthy and still answering queries.
        let ok = try await HTTP.query(base, token: Self.token, ["script": q2])
        #expect(ok.status == 200)
    }

    @Test func upIsEdgeAggregatorAndBrokerInOneProcess() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let data = [ClusterData.csv(rows: 1500, seed: 11, now: now), ClusterData.csv(rows: 1000, seed: 12, now: now)]
        // No tokens: loopback only, and it says so.
        let up = try await SpriteProcess.start(["up", "--no-collector", "--listen", "127.0.0.1:0", "--retention", "off", "--memory", "128MiB", "--name", "main"])
        defer { up.terminate() }
        #expect(up.log.text.contains("no API tokens configured"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-up-\(getpid()).csv")
        try data[0].write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let load = try await CLITests.sprite(["load", "--server", up.url, "--table", "http_events", file.path])
        #expect(load.status == 0, "\(load.stderr)")
        let (q1, q4) = (try Self.benchQueries()[0].1, try Self.benchQueries()[3].1)
        let alone = try await HTTP.query(up.url, token: nil, ["script": q4])
        try #require(alone.status == 200, "\(alone.text)")
        #expect(Self.agents(alone) == ["main": "ok"])
        #expect(try ResultTables(json: alone.body).difference(from: ResultTables.local(Self.referenceNode([data[0]]), QueryRequest(script: q4))) == nil)

        // An edge joins the all-in-one node: queries now cover both.
        let edge = try await SpriteProcess.start(["edge", "--listen", "127.0.0.1:0", "--join", up.url, "--name", "extra", "--no-collector",
                                                  "--retention", "off", "--heartbeat", "1s", "--memory", "128MiB"])
        defer { edge.terminate() }
        let loaded = try await HTTP.call("POST", edge.url + "/api/v1/tables/http_events/csv", body: Data(data[1].utf8), headers: ["Content-Type": "text/csv"])
        #expect(loaded.status == 200)
        var joined = false
        for _ in 0..<200 where !joined {
            let a = try await HTTP.call("GET", up.url + "/api/v1/agents")
            joined = a.text.contains("\"extra\"") && !a.text.contains("\"unavailable\"")
            if !joined { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(joined)
        let both = try await HTTP.query(up.url, token: nil, ["script": q1])
        try #require(both.status == 200, "\(both.text)")
        #expect(Self.agents(both) == ["main": "ok", "extra": "ok"])
        #expect(try ResultTables(json: both.body).difference(from: ResultTables.local(Self.referenceNode(data), QueryRequest(script: q1))) == nil)
    }

    @Test func staticEdgesArePolledAndQueried() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let data = ClusterData.csv(rows: 800, seed: 21, now: now)
        let edge = try await SpriteProcess.start(["edge", "--listen", "127.0.0.1:0", "--no-collector", "--retention", "off", "--memory", "64MiB"],
                                                 environment: TestCluster.environment)
        defer { edge.terminate() }
        let loaded = try await HTTP.call("POST", edge.url + "/api/v1/tables/http_events/csv", token: Self.token, body: Data(data.utf8),
                                         headers: ["Content-Type": "text/csv"])
        #expect(loaded.status == 200)
        let agg = try await SpriteProcess.start(["aggregator", "--listen", "127.0.0.1:0", "--edges", "fixed=\(edge.url)", "--heartbeat-timeout", "3s"],
                                                environment: TestCluster.environment)
        defer { agg.terminate() }
        var listed: [String: Any]?
        for _ in 0..<200 where listed == nil {
            let a = try await HTTP.call("GET", agg.url + "/api/v1/agents", token: Self.token)
            listed = (((a.json as? [String: Any])?["agents"] as? [[String: Any]]) ?? []).first { $0["status"] as? String == "ok" }
            if listed == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(listed?["name"] as? String == "fixed")
        #expect(listed?["kind"] as? String == "static")
        #expect(listed?["url"] as? String == edge.url)
        let q2 = try Self.benchQueries()[1].1
        let viaAggregator = try await HTTP.query(agg.url, token: Self.token, ["script": q2, "strict": true])
        try #require(viaAggregator.status == 200, "\(viaAggregator.text)")
        let direct = try await HTTP.query(edge.url, token: Self.token, ["script": q2])
        #expect(Self.agents(direct) == ["local": "ok"])
        let want = try ResultTables.local(try Self.referenceNode([data]), QueryRequest(script: q2))
        #expect(try ResultTables(json: viaAggregator.body).difference(from: want) == nil)
        #expect(try ResultTables(json: direct.body).difference(from: want) == nil)
        // A node's own answer has the broker's shape.
        OpenAPICheck.shared.check("POST", "/api/v1/query", direct)
    }
}

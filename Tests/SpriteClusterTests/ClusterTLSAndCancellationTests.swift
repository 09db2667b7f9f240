import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import SpriteCluster

/// TLS between clients, the aggregator and edges; queries cancelled when their client goes away.
@Suite("Cluster: TLS and cancellation", .serialized)
struct ClusterTLSAndCancellationTests {
    static let token = TestCluster.token

    /// Polls `url`'s metrics until one line equals `line`.
    static func waitForMetric(_ url: String, _ line: String) async throws -> Bool {
        for _ in 0..<400 {
            let m = try await HTTP.call("GET", url + "/metrics", token: token)
            if m.text.split(separator: "\n").contains(Substring(line)) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func aClientThatGoesAwayCancelsTheQueryOnEveryEdge() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        // The edge holds its answer for 4 s; the client gives up after 1 s.
        let cluster = try await TestCluster.start(data: [ClusterData.csv(rows: 300, seed: 5, now: now)],
                                                  edgeExtra: [0: ["--debug-fragment-delay-ms", "4000"]])
        defer { cluster.terminate() }
        let script = try ClusterTests.benchQueries()[0].1
        await #expect(throws: (any Error).self) {
            _ = try await HTTP.query(cluster.aggregator.url, token: Self.token, ["script": script], timeout: 1)
        }
        #expect(try await Self.waitForMetric(cluster.aggregator.url, "sprite_queries_total{outcome=\"cancelled\"} 1"))
        // The aggregator closed its request to the edge, which notices when it tries to answer.
        #expect(try await Self.waitForMetric(cluster.edge(0).url, "sprite_fragments_cancelled_total 1"))
        // The cluster keeps answering.
        let ok = try await HTTP.query(cluster.aggregator.url, token: Self.token, ["script": script])
        #expect(ok.status == 200)
    }

    /// Runs a command and returns its standard output (off the cooperative pool).
    static func run(_ tool: String, _ args: [String]) async throws -> (Int32, String) {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                do {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: tool)
                    p.arguments = args
                    let out = Pipe()
                    p.standardOutput = out
                    p.standardError = FileHandle.nullDevice
                    try p.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    c.resume(returning: (p.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    c.resume(throwing: error)
                }
            }
        }
    }

    @Test func tlsEverywhere() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let (made, _) = try await Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                               "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        try #require(made == 0)
        let tls = ["--tls-cert", cert, "--tls-key", key, "--ca-file", cert]
        let agg = try await SpriteProcess.start(["aggregator", "--listen", "127.0.0.1:0"] + tls, environment: TestCluster.environment)
        defer { agg.terminate() }
        #expect(agg.url.hasPrefix("https://"))
        let edge = try await SpriteProcess.start(["edge", "--listen", "127.0.0.1:0", "--join", agg.url, "--name", "secure", "--no-collector",
                                                  "--retention", "off", "--heartbeat", "1s", "--memory", "64MiB"] + tls,
                                                 environment: TestCluster.environment)
        defer { edge.terminate() }
        #expect(edge.url.hasPrefix("https://"))
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let csv = dir.appendingPathComponent("rows.csv").path
        try ClusterData.csv(rows: 200, seed: 9, now: now).write(toFile: csv, atomically: true, encoding: .utf8)
        let auth = "Authorization: Bearer \(Self.token)"
        let (loaded, loadOut) = try await Self.run("/usr/bin/curl", ["-s", "--cacert", cert, "-H", auth, "-H", "Content-Type: text/csv",
                                                                     "--data-binary", "@\(csv)", edge.url + "/api/v1/tables/http_events/csv"])
        #expect(loaded == 0 && loadOut.contains("\"rows\":200"), "\(loadOut)")
        var listed = false
        for _ in 0..<200 where !listed {
            let (_, agents) = try await Self.run("/usr/bin/curl", ["-s", "--cacert", cert, "-H", auth, agg.url + "/api/v1/agents"])
            listed = agents.contains("\"secure\"") && agents.contains("\"status\":\"ok\"")
            if !listed { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(listed)
        let body = #"{"script": "import px\ndf = px.DataFrame(table='http_events')\npx.display(df.agg(n=('latency', px.count)))", "strict": true}"#
        let (queried, answer) = try await Self.run("/usr/bin/curl", ["-s", "--cacert", cert, "-H", auth, "-H", "Content-Type: application/json",
                                                                     "--data-binary", body, agg.url + "/api/v1/query"])
        #expect(queried == 0)
        #expect(answer.contains("\"rows\":[[200]]"), "\(answer)")
        // Plain HTTP to the TLS port gets no answer.
        let (plain, _) = try await Self.run("/usr/bin/curl", ["-s", "--max-time", "5", agg.url.replacingOccurrences(of: "https://", with: "http://") + "/healthz"])
        #expect(plain != 0)
    }

    @Test func queriesBeyondTheConcurrencyLimitAreRefused() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let cluster = try await TestCluster.start(data: [ClusterData.csv(rows: 300, seed: 6, now: now)],
                                                  edgeExtra: [0: ["--debug-fragment-delay-ms", "3000"]],
                                                  aggregatorExtra: ["--max-concurrent-queries", "1"])
        defer { cluster.terminate() }
        let script = try ClusterTests.benchQueries()[1].1
        async let first = HTTP.query(cluster.aggregator.url, token: Self.token, ["script": script])
        #expect(try await Self.waitForMetric(cluster.aggregator.url, "sprite_queries_in_flight 1"))
        let second = try await HTTP.query(cluster.aggregator.url, token: Self.token, ["script": script])
        #expect(second.status == 429)
        #expect(second.text.contains("\"code\":\"busy\""))
        #expect(try await first.status == 200)
        #expect(try await Self.waitForMetric(cluster.aggregator.url, "sprite_queries_rejected_busy_total 1"))
    }
}

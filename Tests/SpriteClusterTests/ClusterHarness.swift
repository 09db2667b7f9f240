import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// Text appended from another thread.
final class LogBox: Sendable {
    private let m = Mutex("")
    var text: String { m.withLock { $0 } }
    func append(_ s: String) { m.withLock { $0 += s } }
}

/// A `sprite` process started by a test: its URL (from its "listening on" log line) and its log.
final class SpriteProcess: Sendable {
    let process: Process
    let log: LogBox
    let url: String
    let port: Int

    private init(process: Process, log: LogBox, url: String) {
        self.process = process
        self.log = log
        self.url = url
        self.port = Int(url.split(separator: ":").last ?? "0") ?? 0
    }

    /// The `sprite` executable built beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sprite")
    }

    /// Starts `sprite args` and waits (without blocking a thread) until it logs its address.
    static func start(_ args: [String], environment: [String: String] = [:]) async throws -> SpriteProcess {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SPRITE_API_TOKENS"] = nil
        env["SPRITE_TOKEN"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let log = LogBox()
        err.fileHandleForReading.readabilityHandler = { h in
            let data = h.availableData
            if data.isEmpty { h.readabilityHandler = nil; return }
            log.append(String(decoding: data, as: UTF8.self))
        }
        try p.run()
        for _ in 0..<1200 {
            let text = log.text
            if let r = text.range(of: "listening on http") {
                let rest = text[text.index(r.upperBound, offsetBy: -4)...]
                let url = String(rest.prefix { !$0.isWhitespace })
                return SpriteProcess(process: p, log: log, url: url)
            }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        p.terminate()
        throw ClusterTestError("sprite \(args.joined(separator: " ")) did not start: \(log.text)")
    }

    /// Asks the process to stop (SIGTERM) without waiting: for `defer`.
    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    /// Sends `signal` and waits for the process to exit, off the cooperative pool.
    func stop(signal: Int32 = SIGTERM) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let p = process
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { p.waitUntilExit(); c.resume() }
        }
    }
}

struct ClusterTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// One HTTP exchange with a server.
struct HTTPAnswer {
    var status: Int
    var body: Data
    var headers: [String: String]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
}

enum HTTP {
    static func call(_ method: String, _ url: String, token: String? = nil, body: Data? = nil,
                     headers: [String: String] = [:], timeout: TimeInterval = 120) async throws -> HTTPAnswer {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = method
        r.timeoutInterval = timeout
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        if let body {
            r.httpBody = body
            if headers["Content-Type"] == nil { r.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        }
        let (data, response) = try await URLSession.shared.data(for: r)
        let h = response as! HTTPURLResponse
        var hs: [String: String] = [:]
        for (k, v) in h.allHeaderFields { hs["\(k)".lowercased()] = "\(v)" }
        return HTTPAnswer(status: h.statusCode, body: data, headers: hs)
    }

    static func query(_ base: String, token: String?, _ body: [String: Any], accept: String? = nil, timeout: TimeInterval = 120) async throws -> HTTPAnswer {
        try await call("POST", base + "/api/v1/query", token: token, body: try JSONSerialization.data(withJSONObject: body),
                       headers: accept.map { ["Accept": $0] } ?? [:], timeout: timeout)
    }
}

/// Three edges (separate `sprite edge` processes, each with its own data) joined to one
/// `sprite aggregator`, all on loopback with bearer tokens.
final class TestCluster: Sendable {
    static let token = "cluster-test-token"
    let aggregator: SpriteProcess
    let edges: Mutex<[SpriteProcess]>
    /// The CSV each edge holds.
    let data: [String]

    init(aggregator: SpriteProcess, edges: [SpriteProcess], data: [String]) {
        self.aggregator = aggregator
        self.edges = Mutex(edges)
        self.data = data
    }

    static var environment: [String: String] { ["SPRITE_API_TOKENS": token, "SPRITE_TOKEN": token] }

    static func edgeArgs(_ i: Int, aggregator: String, port: Int = 0, extra: [String] = []) -> [String] {
        ["edge", "--listen", "127.0.0.1:\(port)", "--join", aggregator, "--name", "edge\(i)", "--no-collector",
         "--retention", "off", "--heartbeat", "1s", "--memory", "256MiB"] + extra
    }

    /// Starts the aggregator and three edges, loads `data[i]` into edge `i`, and waits until all
    /// three have registered.
    static func start(data: [String], edgeExtra: [Int: [String]] = [:], aggregatorExtra: [String] = []) async throws -> TestCluster {
        let agg = try await SpriteProcess.start(["aggregator", "--listen", "127.0.0.1:0", "--heartbeat-timeout", "3s"] + aggregatorExtra,
                                                environment: environment)
        var edges: [SpriteProcess] = []
        for i in 0..<data.count {
            edges.append(try await SpriteProcess.start(edgeArgs(i, aggregator: agg.url, extra: edgeExtra[i] ?? []), environment: environment))
        }
        let cluster = TestCluster(aggregator: agg, edges: edges, data: data)
        for i in 0..<data.count { try await cluster.load(edge: i) }
        try await cluster.waitForAgents(ok: data.count)
        return cluster
    }

    func edge(_ i: Int) -> SpriteProcess { edges.withLock { $0[i] } }

    func load(edge i: Int) async throws {
        let answer = try await HTTP.call("POST", edge(i).url + "/api/v1/tables/http_events/csv", token: Self.token,
                                         body: Data(data[i].utf8), headers: ["Content-Type": "text/csv"])
        guard answer.status == 200 else { throw ClusterTestError("load into edge\(i) failed: \(answer.text)") }
    }

    /// Waits until the aggregator lists `ok` edges as available.
    func waitForAgents(ok: Int) async throws {
        for _ in 0..<400 {
            let a = try await HTTP.call("GET", aggregator.url + "/api/v1/agents", token: Self.token)
            let agents = ((a.json as? [String: Any])?["agents"] as? [[String: Any]]) ?? []
            if agents.filter({ $0["status"] as? String == "ok" }).count == ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("the aggregator never listed \(ok) available edges")
    }

    /// Kills edge `i` at once (SIGKILL).
    func kill(edge i: Int) async { await edge(i).stop(signal: SIGKILL) }

    /// Starts edge `i` again on its old port with its data.
    func restart(edge i: Int, extra: [String] = []) async throws {
        let old = edge(i)
        let p = try await SpriteProcess.start(Self.edgeArgs(i, aggregator: aggregator.url, port: old.port, extra: extra), environment: Self.environment)
        edges.withLock { $0[i] = p }
        try await load(edge: i)
    }

    func stop() async {
        for e in edges.withLock({ $0 }) { await e.stop() }
        await aggregator.stop()
    }

    /// Asks every process to stop (SIGTERM) without waiting: for `defer`.
    func terminate() {
        for e in edges.withLock({ $0 }) { e.terminate() }
        aggregator.terminate()
    }
}

/// Deterministic `http_events` rows as CSV, with times in the last four minutes.
enum ClusterData {
    static func csv(rows: Int, seed: UInt64, now: Int64) -> String {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
        let paths = (0..<40).map { "/api/v\($0 % 3 + 1)/\(["users", "orders", "items", "carts"][$0 % 4])/\($0)" } + ["/healthz", "/"]
        var out = "time_,upid,remote_addr,remote_port,req_method,req_path,req_body_size,resp_status,resp_body_size,latency\n"
        for i in 0..<rows {
            // Rows span [now - 130 s, now - 30 s): the scripts' `-5m` windows keep all of them for 170 s, so
            // a slow machine evaluating the cluster and the reference a little apart sees the same rows.
            let t = now - 130_000_000_000 + Int64(i) * (100_000_000_000 / Int64(max(rows, 1)))
            let pid = Int(next() % 8)
            let r = next() % 100
            let status = r < 3 ? 500 + Int(next() % 4) : r < 8 ? 404 : 200
            let latency = Int64(next() % 5_000_000) + Int64(next() % 10) * 1_000_000 + (status >= 500 ? 20_000_000 : 0)
            out += "\(t),00000000-0000-\(String(format: "%04x", pid))-0000-\(String(format: "%012x", 1000 + pid)),10.0.0.\(next() % 16),"
            out += "\(30000 + next() % 1000),\(methods[Int(next() % 6)]),\(paths[Int(next() % UInt64(paths.count))]),\(next() % 2048),"
            out += "\(status),\(next() % 65536),\(latency)\n"
        }
        return out
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import SpriteCluster
import SpriteStore

/// `sprite load` and `sprite run` against a real node server on loopback.
@Suite("sprite CLI against a node", .serialized)
struct CLITests {
    /// The `sprite` executable built beside the test bundle.
    static var spriteBinary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sprite")
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `sprite` and waits for it off the cooperative thread pool, so that the in-process
    /// server it talks to keeps being served while the test waits.
    static func sprite(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try spriteBlocking(args, stdin: stdin, environment: environment) })
            }
        }
    }

    static func spriteBlocking(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = spriteBinary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs `body` with a node serving an empty store (no retention) on a free loopback port.
    static func withNode(_ body: (String, TableStore) async throws -> Void) async throws {
        let store = TableStore(configuration: StoreConfiguration(totalBytes: 64 << 20, retentionWindow: nil))
        let server = NodeServer(host: "127.0.0.1", port: 0, service: QueryService(store: store))
        let port = PortBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { p in port.value.withLock { $0 = p } } }
            var bound = 0
            for _ in 0..<200 where bound == 0 {
                try await Task.sleep(for: .milliseconds(25))
                bound = port.value.withLock { $0 }
            }
            try #require(bound > 0, "server did not start")
            try await body("http://127.0.0.1:\(bound)", store)
            group.cancelAll()
        }
    }

    static let csv = """
        time_,upid,req_method,req_path,resp_status,latency,resp_body_size
        1767225600000000000,00000000-0000-0001-0000-000000000001,GET,/a,200,1000,10
        1767225601000000000,00000000-0000-0001-0000-000000000001,GET,"/b,c",500,3000,20
        1767225602000000000,00000000-0000-0002-0000-000000000002,POST,/a,201,2000,30

        """

    @Test func loadThenRunInEveryFormat() async throws {
        try await Self.withNode { server, store in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-cli-\(getpid()).csv")
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let load = try await Self.sprite(["load", "--server", server, "--table", "http_events", file.path])
            #expect(load.status == 0, "\(load.stderr)")
            #expect(load.stderr.contains("loaded 3 rows into http_events"))
            #expect(store.table(named: "http_events")?.info.rows == 3)

            let script = """
                import px
                df = px.DataFrame(table='http_events')
                df = df.groupby('req_method').agg(n=('latency', px.count), lat=('latency', px.sum))
                px.display(df, 'by_method')
                """
            let json = try await Self.sprite(["run", "--server", server, "-f", "-", "-o", "json"], stdin: script)
            #expect(json.status == 0, "\(json.stderr)")
            let lines = json.stdout.split(separator: "\n").map(String.init).sorted()
            #expect(lines == [
                #"{"_tableName_":"by_method","req_method":"GET","n":2,"lat":4000}"#,
                #"{"_tableName_":"by_method","req_method":"POST","n":1,"lat":2000}"#,
            ])

            let csvOut = try await Self.sprite(["run", "--server", server, "-f", "-", "-o", "csv"], stdin:
                "import px\ndf = px.DataFrame(table='http_events', select=['req_path', 'resp_status'])\npx.display(df)")
            #expect(csvOut.stdout == "req_path,resp_status\n/a,200\n\"/b,c\",500\n/a,201\n")

            let table = try await Self.sprite(["run", "--server", server, "-f", "-", "--stats"], stdin:
                "import px\ndf = px.DataFrame(table='http_events', select=['time_', 'upid', 'req_path'])\npx.display(df.head(1))")
            #expect(table.stdout == """
                Table: output (1 row)
                TIME_                     UPID                                  REQ_PATH
                2026-01-01T00:00:00.000Z  00000000-0000-0001-0000-000000000001  /a

                """)
            #expect(table.stderr.contains("compile "))
            #expect(table.stderr.contains("rows / "))
        }
    }

    @Test func compileErrorsExitNonZeroWithCaret() async throws {
        try await Self.withNode { server, _ in
            let r = try await Self.sprite(["run", "--server", server, "-f", "-"], stdin:
                "import px\ndf = px.DataFrame(table='http_events')\ndf = df[df.resp_stat >= 500]\npx.display(df)\n")
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("error: Column 'resp_stat' not found; did you mean 'resp_status'?"))
            #expect(r.stderr.contains("--> <script>:3:12"))
            #expect(r.stderr.contains("3 | df = df[df.resp_stat >= 500]"))
            #expect(r.stderr.contains("  |            ^"))
        }
    }

    @Test func badLoadsAreRefusedWithTheLine() async throws {
        try await Self.withNode { server, store in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-bad-\(getpid()).csv")
            try "time_,latency\n1,5\n2,notanumber\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let r = try await Self.sprite(["load", "--server", server, "--table", "http_events", file.path])
            #expect(r.status == 1)
            #expect(r.stderr.contains("line 3, column 'latency': 'notanumber' is not a valid INT64"))
            let missing = try await Self.sprite(["load", "--server", server, "--table", "nope", file.path])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("table 'nope' does not exist"))
            #expect(store.table(named: "http_events")?.info.rows == 0)
        }
    }

    @Test func unreachableServerIsExplained() async throws {
        let r = try await Self.sprite(["run", "--server", "http://127.0.0.1:9", "-f", "-"], stdin: "import px\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot reach http://127.0.0.1:9"))
        #expect(r.stderr.contains("sprite up"))
    }

    /// Collector flags out of range are refused before anything starts, naming the flag.
    @Test func badCollectorFlagsAreRefused() async throws {
        for (args, flag, hint) in [(["--poll-interval", "0ms"], "--poll-interval", "between 1ms and 1s"),
                                   (["--capture-limit", "1MiB"], "--capture-limit", "between 1 and 16384 bytes"),
                                   (["--ring-buffer", "100KiB"], "--ring-buffer", "power of two"),
                                   (["--body-limit", "lots"], "--body-limit", "is not a size")] {
            let r = try await Self.sprite(["edge", "--listen", "127.0.0.1:0"] + args)
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(flag) && r.stderr.contains(hint), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("Usage: sprite edge"), "\(args): \(r.stderr)")
        }
    }

    @Test func apiAnswersMalformedRequestsWithJSONErrors() async throws {
        try await Self.withNode { server, _ in
            var request = URLRequest(url: URL(string: server + "/api/v1/query")!)
            request.httpMethod = "POST"
            request.httpBody = Data("{not json".utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 400)
            #expect(String(decoding: data, as: UTF8.self).contains(#""code":"bad_request""#))
            request.httpBody = Data(#"{"script": "import px\npx.display(px.DataFrame(table='x'))"}"#.utf8)
            let (d2, r2) = try await URLSession.shared.data(for: request)
            #expect((r2 as? HTTPURLResponse)?.statusCode == 400)
            let text = String(decoding: d2, as: UTF8.self)
            #expect(text.contains(#""line":2"#) && text.contains(#""column":"#) && text.contains("Table 'x' not found"))
        }
    }
}

private final class PortBox: Sendable { let value = Mutex<Int>(0) }

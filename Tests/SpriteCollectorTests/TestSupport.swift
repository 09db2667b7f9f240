import Foundation
import Logging
import SpriteStore
import Testing
@testable import SpriteCollector

/// Root-only integration tests are skipped ("skipped: not root") unless
/// SPRITE_REQUIRE_ROOT_TESTS=1, in which case they run and fail when not root.
enum Root {
    static let isRoot = geteuid() == 0
    static let required = ProcessInfo.processInfo.environment["SPRITE_REQUIRE_ROOT_TESTS"] == "1"
    static let enabled = isRoot || required

    static func require() throws {
        try #require(isRoot, "SPRITE_REQUIRE_ROOT_TESTS=1 but the tests are not running as root: the collector needs root (or CAP_BPF + CAP_PERFMON)")
    }
}

/// All root integration suites, one at a time: they share one collector, and tests that block
/// threads while waiting must not starve each other.
@Suite(.serialized, .enabled(if: Root.enabled, "skipped: not root"))
struct RootIntegrationTests {}

/// One collector shared by the tests of this process, writing to its own store.
final class Harness: Sendable {
    let store: TableStore
    let collector: Collector
    private let task: Task<Void, Error>

    static let shared: Harness = {
        do { return try Harness() } catch { fatalError("collector failed to start: \(error)") }
    }()

    init(configuration: CollectorConfiguration = Harness.testConfiguration) throws {
        var logger = Logger(label: "sprite.collector.test")
        logger.logLevel = .warning
        store = TableStore()
        let collector = try Collector(store: store, configuration: configuration, logger: logger)
        self.collector = collector
        // Attached when start returns: traffic from here on is traced (waiting for the run task
        // instead could give up while a busy cooperative pool has not started it yet).
        try collector.start()
        task = Task { try await collector.run() }
    }

    static var testConfiguration: CollectorConfiguration {
        var c = CollectorConfiguration()
        c.flushInterval = .milliseconds(200)
        c.connStatsInterval = .seconds(2)
        c.processStatsInterval = .seconds(2)
        c.collectorStatsInterval = .seconds(2)
        c.tlsRescanInterval = .seconds(1)
        return c
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// One decoded `http_events` row.
struct HTTPRow: Sendable, CustomStringConvertible {
    var time: Int64
    var upid: UPID
    var remoteAddr: String
    var remotePort: Int
    var localAddr: String
    var localPort: Int
    var role: Int
    var encrypted: Bool
    var major: Int
    var minor: Int
    var contentType: Int
    var reqHeaders: String
    var method: String
    var path: String
    var reqBody: String
    var reqBodySize: Int
    var respHeaders: String
    var status: Int
    var message: String
    var respBody: String
    var respBodySize: Int
    var latency: Int64

    var description: String {
        "\(method) \(path) -> \(status) role=\(role) pid=\(upid.pid) \(localAddr):\(localPort)->\(remoteAddr):\(remotePort) req=\(reqBodySize) resp=\(respBodySize) '\(respBody.prefix(40))' lat=\(latency)"
    }
}

enum Rows {
    static func all(_ store: TableStore, _ table: String) -> [[String: Value]] {
        guard let t = store.table(named: table) else { return [] }
        var out: [[String: Value]] = []
        for slice in t.scan() {
            let batch = slice.batch.decoded()
            for i in slice.rows {
                let values = batch.row(i)
                var row: [String: Value] = [:]
                for (j, f) in batch.schema.fields.enumerated() { row[f.name] = values[j] }
                out.append(row)
            }
        }
        return out
    }

    static func http(_ store: TableStore) -> [HTTPRow] {
        all(store, "http_events").map { r in
            HTTPRow(time: r["time_"]!.int, upid: UPID(r["upid"]!.u128), remoteAddr: r["remote_addr"]!.string,
                    remotePort: Int(r["remote_port"]!.int), localAddr: r["local_addr"]!.string, localPort: Int(r["local_port"]!.int),
                    role: Int(r["trace_role"]!.int), encrypted: r["encrypted"]!.bool, major: Int(r["major_version"]!.int),
                    minor: Int(r["minor_version"]!.int), contentType: Int(r["content_type"]!.int),
                    reqHeaders: r["req_headers"]!.string, method: r["req_method"]!.string, path: r["req_path"]!.string,
                    reqBody: r["req_body"]!.string, reqBodySize: Int(r["req_body_size"]!.int),
                    respHeaders: r["resp_headers"]!.string, status: Int(r["resp_status"]!.int),
                    message: r["resp_message"]!.string, respBody: r["resp_body"]!.string,
                    respBodySize: Int(r["resp_body_size"]!.int), latency: r["latency"]!.int)
        }
    }

    static func collectorStats(_ store: TableStore) -> [[String: Value]] { all(store, "sprite_collector_stats") }

    /// Polls until `body` returns a non-nil value (up to `timeout` seconds).
    static func waitFor<T>(timeout: Double = 10, _ body: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = body() { return v }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return body()
    }
}

extension Value {
    var int: Int64 { if case .int64(let v) = self { return v }; if case .time64ns(let v) = self { return v }; return .min }
    var string: String { if case .string(let v) = self { return v }; return "" }
    var bool: Bool { if case .boolean(let v) = self { return v }; return false }
    var u128: UInt128 { if case .uint128(let v) = self { return v }; return 0 }
}

/// A child process (servers, clients).
final class Child: @unchecked Sendable {
    let process = Process()
    let stdout = Pipe()
    let stderr = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
    }

    var pid: UInt32 { UInt32(process.processIdentifier) }

    /// The first line the child prints (servers print their port).
    func firstLine() -> String {
        var bytes: [UInt8] = []
        let h = stdout.fileHandleForReading
        while true {
            let d = h.readData(ofLength: 1)
            if d.isEmpty || d.first == 10 { break }
            bytes.append(d.first!)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits for exit and returns stdout.
    func output() -> String {
        let d = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: d, as: UTF8.self)
    }

    var errorOutput: String { String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self) }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Runs a command to completion and returns its stdout.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        try Child(executable, arguments).output()
    }
}

/// The Python HTTP/1.1 test server and clients, written to a temp directory once.
enum Scripts {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-collector-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        try? server.write(to: d.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        try? client.write(to: d.appendingPathComponent("client.py"), atomically: true, encoding: .utf8)
        return d
    }()

    static var python: String {
        for p in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: p) { return p }
        return "/usr/bin/env"
    }

    static func pythonArgs(_ args: [String]) -> [String] { python == "/usr/bin/env" ? ["python3"] + args : args }

    /// Starts the server on `host` (127.0.0.1 or ::1); returns it and its port.
    static func startServer(host: String = "127.0.0.1") throws -> (Child, Int) {
        let child = try Child(python, pythonArgs([dir.appendingPathComponent("server.py").path, host]))
        let port = Int(child.firstLine()) ?? -1
        return (child, port)
    }

    /// Runs a client scenario; returns its JSON output as a dictionary, and the client's pid.
    static func client(_ args: [String]) throws -> ([String: Any], UInt32) {
        let child = try Child(python, pythonArgs([dir.appendingPathComponent("client.py").path] + args))
        let out = child.output()
        let json = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? ["raw": out, "err": child.errorOutput]
        return (json, child.pid)
    }

    static let server = #"""
import socket, sys, gzip
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass

    def reply(self, status, body, ctype="text/plain", extra=(), head=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra: self.send_header(k, v)
        self.end_headers()
        if not head: self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in [b"hello ", b"chunked ", b"world"]:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif self.path.startswith("/gzip"):
            self.reply(200, gzip.compress(b"inflated text"), extra=[("Content-Encoding", "gzip")])
        elif self.path.startswith("/big/"):
            self.reply(200, b"x" * int(self.path[5:]))
        elif self.path.startswith("/json"):
            self.reply(200, b'{"ok": true}', ctype="application/json")
        else:
            self.reply(200, ("hello " + self.path).encode())

    def do_HEAD(self):
        self.reply(200, ("hello " + self.path).encode(), head=True)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        self.reply(201, b"got %d" % len(data))

class Server(ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET

srv = Server((sys.argv[1], 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""#

    static let client = #"""
import json, socket, sys, time

def connect(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect((host, port))
    return s

def read_response(s, buf=b""):
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d: return None, buf
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, v = line.split(b":", 1)
        if k.strip().lower() == b"content-length": n = int(v)
    while len(rest) < n:
        d = s.recv(65536)
        if not d: break
        rest += d
    return head + b"\r\n\r\n" + rest[:n], rest[n:]

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = {"rtt_ns": []}
if mode == "keepalive":
    s = connect(host, port)
    out["local_port"] = s.getsockname()[1]
    buf = b""
    for path in sys.argv[4:]:
        t0 = time.monotonic_ns()
        s.sendall(("GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % path).encode())
        resp, buf = read_response(s, buf)
        out["rtt_ns"].append(time.monotonic_ns() - t0)
    s.close()
elif mode == "pipelined":
    s = connect(host, port)
    out["local_port"] = s.getsockname()[1]
    t0 = time.monotonic_ns()
    s.sendall(b"".join(("GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % p).encode() for p in sys.argv[4:]))
    buf = b""
    for _ in sys.argv[4:]:
        resp, buf = read_response(s, buf)
    out["rtt_ns"].append(time.monotonic_ns() - t0)
    s.close()
elif mode == "reuse":
    ports, fds = [], []
    for path in sys.argv[4:]:
        s = connect(host, port)
        ports.append(s.getsockname()[1]); fds.append(s.fileno())
        s.sendall(("GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % path).encode())
        read_response(s)
        s.close()
    out["ports"], out["fds"] = ports, fds
elif mode == "conns":
    count, size = int(sys.argv[4]), int(sys.argv[5])
    sent, received = 0, 0
    for i in range(count):
        s = connect(host, port)
        body = b"b" * size
        req = ("POST /upload/%d HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n" % (i, size)).encode() + body
        s.sendall(req); sent += len(req)
        resp, _ = read_response(s)
        received += len(resp)
        s.close()
    out["sent"], out["received"] = sent, received
elif mode == "abuse":
    s = connect(host, port)   # garbage on a fresh connection
    s.sendall(b"\x00\x01\x02garbage\xff\xfe\r\n\r\n")
    time.sleep(0.05); s.close()
    s = connect(host, port)   # a valid request, then garbage on the same connection
    s.sendall(b"GET /before-garbage HTTP/1.1\r\nHost: test\r\n\r\n")
    read_response(s)
    s.sendall(b"\x16\x03\x01garbage-after\r\n\r\n")
    time.sleep(0.05); s.close()
    s = connect(host, port)   # half a request
    s.sendall(b"GET /half HTTP/1.1\r\nHost: te")
    time.sleep(0.05); s.close()
    s = connect(host, port)   # closed in the middle of a large response
    s.sendall(b"GET /big/2000000 HTTP/1.1\r\nHost: test\r\n\r\n")
    s.recv(100)
    s.close()
    time.sleep(0.2)
print(json.dumps(out))
"""#
}

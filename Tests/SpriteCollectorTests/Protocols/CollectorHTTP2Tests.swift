import Foundation
import SpriteCluster
import SpriteStore
import Testing
@testable import SpriteCollector

/// HTTP/2 and gRPC traced end to end (root only): grpcio servers and clients in Python over h2c,
/// nginx with `http2` driven by curl and h2load, and PxL over the rows.
extension RootIntegrationTests {
@Suite struct CollectorHTTP2Tests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    /// The gRPC service both tests use: `pkg.Greeter` with a unary method, one that fails with
    /// NOT_FOUND and a server-streaming one, on generic handlers (bytes in, bytes out).
    static let grpcServer = #"""
import sys, grpc
from concurrent import futures

def say_hello(req, ctx):
    return b"hello " + req

def get(req, ctx):
    ctx.abort(grpc.StatusCode.NOT_FOUND, "no such key: " + req.decode())

def stream(req, ctx):
    for i in range(3):
        yield b"part %d of %s" % (i, req)

handlers = {
    "SayHello": grpc.unary_unary_rpc_method_handler(say_hello),
    "Get": grpc.unary_unary_rpc_method_handler(get),
    "Stream": grpc.unary_stream_rpc_method_handler(stream),
}
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("pkg.Greeter", handlers),))
port = server.add_insecure_port("127.0.0.1:%s" % (sys.argv[1] if len(sys.argv) > 1 else "0"))
server.start()
print(port, flush=True)
server.wait_for_termination()
"""#

    static let grpcClient = #"""
import json, sys, grpc
target = sys.argv[1]
if len(sys.argv) > 2:
    creds = grpc.ssl_channel_credentials(root_certificates=open(sys.argv[2], "rb").read())
    ch = grpc.secure_channel(target, creds, options=[("grpc.ssl_target_name_override", "localhost")])
else:
    ch = grpc.insecure_channel(target)
out = {}
out["hello"] = ch.unary_unary("/pkg.Greeter/SayHello")(b"world", timeout=10).decode()
try:
    ch.unary_unary("/pkg.Greeter/Get")(b"k1", timeout=10)
except grpc.RpcError as e:
    out["code"] = e.code().value[0]
    out["details"] = e.details()
out["parts"] = [p.decode() for p in ch.unary_stream("/pkg.Greeter/Stream")(b"go", timeout=10)]
ch.close()
print(json.dumps(out))
"""#

    /// Starts the grpcio server (h2c); returns it and its port.
    static func startGRPCServer() throws -> (Child, Int) {
        let file = Servers.tempDir("grpc").appendingPathComponent("server.py")
        try grpcServer.write(to: file, atomically: true, encoding: .utf8)
        let server = try Child(Scripts.python, Scripts.pythonArgs([file.path]))
        let port = Int(server.firstLine()) ?? -1
        try #require(port > 0, "grpcio server did not start: \(server.errorOutput)")
        return (server, port)
    }

    func rows(pid: UInt32, count: Int, _ filter: @escaping (HTTPRow) -> Bool = { _ in true }) -> [HTTPRow] {
        Rows.waitFor {
            let r = Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
            return r.count >= count ? r : nil
        } ?? Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
    }

    static func headers(_ json: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }

    /// The three calls as rows of one side, checked value by value.
    func expectGRPCRows(_ rows: [HTTPRow], role: Int, encrypted: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let hello = try #require(rows.first { $0.path == "/pkg.Greeter/SayHello" }, "rows: \(rows)", sourceLocation: sourceLocation)
        let get = try #require(rows.first { $0.path == "/pkg.Greeter/Get" }, "rows: \(rows)", sourceLocation: sourceLocation)
        let stream = try #require(rows.first { $0.path == "/pkg.Greeter/Stream" }, "rows: \(rows)", sourceLocation: sourceLocation)
        for r in [hello, get, stream] {
            #expect(r.major == 2 && r.minor == 0, sourceLocation: sourceLocation)
            #expect(r.method == "POST" && r.status == 200, sourceLocation: sourceLocation)
            #expect(r.contentType == 2, "\(r.respHeaders)", sourceLocation: sourceLocation)
            #expect(r.role == role && r.encrypted == encrypted, sourceLocation: sourceLocation)
            #expect(Self.headers(r.reqHeaders)["content-type"]?.hasPrefix("application/grpc") == true, "\(r.reqHeaders)", sourceLocation: sourceLocation)
            #expect(Self.headers(r.reqHeaders)[":incomplete"] == nil && Self.headers(r.respHeaders)[":incomplete"] == nil, sourceLocation: sourceLocation)
            #expect(r.latency > 0, sourceLocation: sourceLocation)
        }
        #expect(Self.headers(hello.respHeaders)["grpc-status"] == "0", "\(hello.respHeaders)", sourceLocation: sourceLocation)
        // Request body: the 5-byte gRPC prefix and "world"; response: prefix and "hello world".
        #expect(hello.reqBodySize == 10 && hello.respBodySize == 16, "\(hello)", sourceLocation: sourceLocation)
        #expect(hello.respBody.hasSuffix("hello world"), sourceLocation: sourceLocation)
        let g = Self.headers(get.respHeaders)
        #expect(g["grpc-status"] == "5" && g["grpc-message"] == "no such key: k1", "\(get.respHeaders)", sourceLocation: sourceLocation)
        #expect(Self.headers(stream.respHeaders)["grpc-status"] == "0", sourceLocation: sourceLocation)
        #expect(stream.respBodySize == 3 * (5 + 12), "\(stream)", sourceLocation: sourceLocation)
        #expect(stream.respBody.contains("part 2 of go"), sourceLocation: sourceLocation)
    }

    @Test func grpcioOverH2C() throws {
        let (server, port) = try Self.startGRPCServer()
        defer { server.stop(signal: SIGKILL) }
        let (out, raw, pid) = try Servers.python(Self.grpcClient, ["127.0.0.1:\(port)"])
        #expect(out["hello"] as? String == "hello world", "\(raw)")
        #expect(out["code"] as? Int == 5 && out["details"] as? String == "no such key: k1")
        #expect((out["parts"] as? [String])?.count == 3)

        let client = rows(pid: pid, count: 3) { $0.major == 2 }
        try expectGRPCRows(client, role: 1)
        #expect(client.allSatisfy { $0.remotePort == port })
        let srv = rows(pid: server.pid, count: 3) { $0.major == 2 }
        try expectGRPCRows(srv, role: 2)
        #expect(srv.allSatisfy { $0.localPort == port })
    }

    /// Starts nginx (one worker process, in the foreground) with `server` as its only server block.
    static func startNginx(_ server: String) throws -> Child {
        let dir = Servers.tempDir("nginx-h2")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let conf = """
        daemon off; master_process off; worker_processes 1; error_log \(dir.path)/logs/error.log; pid \(dir.path)/nginx.pid;
        events { worker_connections 64; }
        http { access_log off; client_body_temp_path \(dir.path); proxy_temp_path \(dir.path); fastcgi_temp_path \(dir.path);
          uwsgi_temp_path \(dir.path); scgi_temp_path \(dir.path);
          \(server) }
        """
        try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        return try Child("/usr/sbin/nginx", ["-p", dir.path, "-c", dir.appendingPathComponent("nginx.conf").path])
    }

    func curl(_ args: [String]) throws -> (pid: UInt32, localPort: Int, status: Int, version: String) {
        let child = try Child("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_code} %{http_version}"] + args)
        let parts = child.output().split(separator: " ")
        try #require(parts.count == 3, "curl output: \(parts)")
        return (child.pid, Int(parts[0])!, Int(parts[1])!, String(parts[2]))
    }

    @Test func curlAndH2loadToNginxOverH2C() throws {
        let port = Servers.freePort()
        let nginx = try Self.startNginx("""
            server { listen 127.0.0.1:\(port) http2;
              location = /text { add_header x-sprite h2c; return 200 "from nginx over h2c"; }
              location = /json { default_type application/json; return 404 '{"missing":true}'; } }
            """)
        defer { nginx.stop() }
        try #require(Servers.waitForPort(port), "nginx did not start: \(nginx.errorOutput)")
        let text = try curl(["--http2-prior-knowledge", "http://127.0.0.1:\(port)/text?x=1"])
        #expect(text.status == 200 && text.version == "2")
        // (GET: nginx answers `return` before reading a request body and resets the stream, which
        // curl sometimes reports as a failure.)
        let json = try curl(["--http2-prior-knowledge", "http://127.0.0.1:\(port)/json"])
        #expect(json.status == 404)

        let k = try #require(rows(pid: text.pid, count: 1).first)
        #expect(k.major == 2 && k.method == "GET" && k.path == "/text?x=1" && k.status == 200 && k.role == 1 && !k.encrypted)
        #expect(k.respBody == "from nginx over h2c" && k.respBodySize == 19 && k.remotePort == port && k.localPort == text.localPort)
        #expect(Self.headers(k.respHeaders)["x-sprite"] == "h2c" && Self.headers(k.reqHeaders)[":authority"] == "127.0.0.1:\(port)")
        let j = try #require(rows(pid: json.pid, count: 1).first)
        #expect(j.method == "GET" && j.status == 404 && j.contentType == 1 && j.reqBodySize == 0)
        #expect(j.respBody == #"{"missing":true}"#)
        let s = rows(pid: nginx.pid, count: 2) { $0.major == 2 }
        #expect(s.contains { $0.path == "/text?x=1" && $0.status == 200 && $0.role == 2 && $0.localPort == port && $0.remotePort == text.localPort })
        #expect(s.contains { $0.path == "/json" && $0.status == 404 && $0.respBody == #"{"missing":true}"# })

        // h2load: 40 requests, 10 concurrent streams on each of 2 connections.
        let h2load = try Servers.run("/usr/bin/h2load", ["-n", "40", "-c", "2", "-m", "10", "http://127.0.0.1:\(port)/text"])
        #expect(h2load.out.contains("40 succeeded"), "\(h2load.out)")
        let loadRows = rows(pid: h2load.pid, count: 40) { $0.path == "/text" }
        #expect(loadRows.count == 40 && loadRows.allSatisfy { $0.status == 200 && $0.respBody == "from nginx over h2c" })
        _ = rows(pid: nginx.pid, count: 40) { $0.path == "/text" }
        Thread.sleep(forTimeInterval: 0.5)
        let nginxLoad = Rows.http(store).filter { $0.upid.pid == nginx.pid && $0.path == "/text" }
        #expect(nginxLoad.count == 40, "\(nginxLoad.count) nginx rows for /text")
    }

    @Test func curlHTTP2OverTLSToNginx() throws {
        try #require(TLSFixtures.certificateReady, "openssl could not make a test certificate")
        let collector = Harness.shared.collector
        try #require(collector.tls != nil, "TLS tracer not loaded")
        let port = Servers.freePort()
        let nginx = try Self.startNginx("""
            server { listen 127.0.0.1:\(port) ssl http2;
              ssl_certificate \(TLSFixtures.certificate); ssl_certificate_key \(TLSFixtures.key);
              location = /secure { return 200 "h2 over tls"; } }
            """)
        defer { nginx.stop() }
        try #require(Servers.waitForPort(port), "nginx did not start: \(nginx.errorOutput)")
        try #require(TLSFixtures.waitForProbes(collector, pid: nginx.pid), "libssl of nginx not probed")
        let c = try curl(["--http2", "https://127.0.0.1:\(port)/secure"])
        #expect(c.status == 200 && c.version == "2")

        let k = try #require(rows(pid: c.pid, count: 1).first)
        #expect(k.major == 2 && k.encrypted && k.role == 1 && k.path == "/secure" && k.status == 200 && k.respBody == "h2 over tls")
        #expect(k.remotePort == port && k.localPort == c.localPort)
        let s = try #require(rows(pid: nginx.pid, count: 1) { $0.major == 2 }.first)
        #expect(s.encrypted && s.role == 2 && s.path == "/secure" && s.status == 200 && s.localPort == port)
        // Nothing parsed from the ciphertext on the sockets.
        Thread.sleep(forTimeInterval: 0.5)
        let all = Rows.http(store).filter { [c.pid, nginx.pid].contains($0.upid.pid) }
        #expect(all.count == 2 && all.allSatisfy(\.encrypted), "\(all)")
    }

    /// gRPC over TLS: grpcio's client (BoringSSL linked into its extension, no exported SSL_*
    /// symbols, so not traceable by the OpenSSL uprobes) → nginx (OpenSSL, `ssl http2`,
    /// `grpc_pass`) → the grpcio h2c server. nginx's TLS side gives `encrypted` rows, its
    /// upstream side and the server plaintext ones.
    @Test func grpcOverTLSThroughNginx() throws {
        try #require(TLSFixtures.certificateReady, "openssl could not make a test certificate")
        let collector = Harness.shared.collector
        try #require(collector.tls != nil, "TLS tracer not loaded")
        let (server, grpcPort) = try Self.startGRPCServer()
        defer { server.stop(signal: SIGKILL) }
        let port = Servers.freePort()
        let nginx = try Self.startNginx("""
            server { listen 127.0.0.1:\(port) ssl http2;
              ssl_certificate \(TLSFixtures.certificate); ssl_certificate_key \(TLSFixtures.key);
              location / { grpc_pass grpc://127.0.0.1:\(grpcPort); } }
            """)
        defer { nginx.stop() }
        try #require(Servers.waitForPort(port), "nginx did not start: \(nginx.errorOutput)")
        try #require(TLSFixtures.waitForProbes(collector, pid: nginx.pid), "libssl of nginx not probed")
        let (out, raw, clientPID) = try Servers.python(Self.grpcClient, ["localhost:\(port)", TLSFixtures.certificate])
        #expect(out["hello"] as? String == "hello world", "\(raw)")
        #expect(out["code"] as? Int == 5)

        // nginx, TLS side: the client's calls, decrypted.
        let front = rows(pid: nginx.pid, count: 3) { $0.major == 2 && $0.localPort == port }
        try expectGRPCRows(front, role: 2, encrypted: true)
        // nginx, upstream side (h2c to the server) and the server itself.
        let upstream = rows(pid: nginx.pid, count: 3) { $0.major == 2 && $0.remotePort == grpcPort }
        try expectGRPCRows(upstream, role: 1)
        let srv = rows(pid: server.pid, count: 3) { $0.major == 2 }
        try expectGRPCRows(srv, role: 2)
        // The client's BoringSSL is not probed: its ciphertext never turns into rows.
        #expect(Rows.http(store).filter { $0.upid.pid == clientPID }.isEmpty)
    }

    /// A client that makes one call, says "ready", waits for a file to appear, then makes the
    /// three calls on the same connection.
    static let earlyClient = #"""
import json, os, sys, time, grpc
ch = grpc.insecure_channel(sys.argv[1])
ch.unary_unary("/pkg.Greeter/SayHello")(b"first", timeout=10)
print("ready", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
out = {"hello": ch.unary_unary("/pkg.Greeter/SayHello")(b"world", timeout=10).decode()}
try:
    ch.unary_unary("/pkg.Greeter/Get")(b"k1", timeout=10)
except grpc.RpcError as e:
    out["code"] = e.code().value[0]
out["parts"] = [p.decode() for p in ch.unary_stream("/pkg.Greeter/Stream")(b"go", timeout=10)]
ch.close()
print(json.dumps(out), flush=True)
"""#

    /// A connection established before the collector started: traced from the middle, its HPACK
    /// dynamic table unknown. Rows carry what is certain and mark the rest, never a wrong value.
    @Test func connectionOpenBeforeTheCollectorStarted() async throws {
        let (server, port) = try Self.startGRPCServer()
        defer { server.stop(signal: SIGKILL) }
        let dir = Servers.tempDir("grpc-early")
        let script = dir.appendingPathComponent("client.py"), go = dir.appendingPathComponent("go")
        try Self.earlyClient.write(to: script, atomically: true, encoding: .utf8)
        let client = try Child(Scripts.python, Scripts.pythonArgs([script.path, "127.0.0.1:\(port)", go.path]))
        defer { client.stop(signal: SIGKILL) }
        try #require(client.firstLine() == "ready", "\(client.errorOutput)")
        // A collector of its own, started now: the connection is older than it.
        let late = try Harness()
        FileManager.default.createFile(atPath: go.path, contents: Data())
        let out = client.outputReaped()
        #expect(out.contains("hello world") && out.contains("part 2 of go"), "\(out) \(client.errorOutput)")

        let found = Rows.waitFor { () -> [HTTPRow]? in
            let r = Rows.http(late.store).filter { $0.upid.pid == client.pid && $0.major == 2 }
            return r.count >= 3 ? r : nil
        } ?? Rows.http(late.store).filter { $0.upid.pid == client.pid }
        await late.stop()
        try #require(found.count == 3, "rows: \(found)")
        for r in found {
            #expect(r.role == 1 && r.remotePort == port && r.method == "POST" && r.status == 200, "\(r)")
            // Whatever was decoded is exact.
            let req = Self.headers(r.reqHeaders), resp = Self.headers(r.respHeaders)
            #expect(req["content-type"].map { $0 == "application/grpc" } ?? true, "\(r.reqHeaders)")
            #expect(req[":authority"].map { $0 == "127.0.0.1:\(port)" } ?? true, "\(r.reqHeaders)")
            #expect(["", "/pkg.Greeter/SayHello", "/pkg.Greeter/Get", "/pkg.Greeter/Stream"].contains(r.path))
            #expect(resp["grpc-status"].map { $0 == (r.path == "/pkg.Greeter/Get" ? "5" : "0") } ?? true, "\(r.respHeaders)")
        }
        // The repeated call's :path is a dynamic-table reference made before tracing: left out and
        // counted; the new paths are literals and come through.
        let repeated = try #require(found.first { $0.reqBodySize == 10 }, "\(found)")
        #expect(repeated.path == "" && Int(Self.headers(repeated.reqHeaders)[":incomplete"] ?? "") ?? 0 > 0, "\(repeated.reqHeaders)")
        #expect(repeated.respBody.hasSuffix("hello world"))
        let get = try #require(found.first { $0.path == "/pkg.Greeter/Get" }, "\(found)")
        #expect(Self.headers(get.respHeaders)["grpc-status"] == "5", "\(get.respHeaders)")
        #expect(found.contains { $0.path == "/pkg.Greeter/Stream" && $0.respBodySize == 3 * (5 + 12) })
    }

    @Test func grpcStatusIsReachableFromPxL() throws {
        let (server, port) = try Self.startGRPCServer()
        defer { server.stop(signal: SIGKILL) }
        let (out, raw, _) = try Servers.python(Self.grpcClient, ["127.0.0.1:\(port)"])
        #expect(out["code"] as? Int == 5, "\(raw)")
        let script = """
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df[df.major_version == 2]
            df = df[df.local_port == \(port)]
            df.grpc_status = px.pluck(df.resp_headers, 'grpc-status')
            df.grpc_code = px.pluck_int64(df.resp_headers, 'grpc-status')
            df.grpc_message = px.pluck(df.resp_headers, 'grpc-message')
            df = df[['req_path', 'grpc_status', 'grpc_code', 'grpc_message', 'content_type']]
            px.display(df, 'grpc')
            """
        let service = QueryService(store: store)
        let rows = Rows.waitFor { () -> [[String: Value]]? in
            guard let answer = try? service.run(QueryRequest(script: script)), let batch = answer.tables.first?.batch else { return nil }
            let r = (0..<batch.count).map { i in
                Dictionary(uniqueKeysWithValues: batch.schema.fields.enumerated().map { ($1.name, batch.row(i)[$0]) })
            }
            return r.count >= 3 ? r : nil
        } ?? []
        let get = try #require(rows.first { $0["req_path"]?.string == "/pkg.Greeter/Get" }, "\(rows)")
        #expect(get["grpc_status"]?.string == "5" && get["grpc_code"]?.int == 5)
        #expect(get["grpc_message"]?.string == "no such key: k1")
        #expect(get["content_type"]?.int == 2)
        #expect(rows.first { $0["req_path"]?.string == "/pkg.Greeter/SayHello" }?["grpc_code"]?.int == 0)
    }
}
}

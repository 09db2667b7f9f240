import Foundation
import Testing
@testable import SpriteCollector

/// Real TLS peers for the TLS capture tests: a self-signed certificate made with `openssl`, a
/// Python `ssl` HTTP server and client (SSL_read_ex/SSL_write_ex), `openssl s_server -www` and
/// nginx with `ssl`.
enum TLSFixtures {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-tls-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        try? server.write(to: d.appendingPathComponent("tls_server.py"), atomically: true, encoding: .utf8)
        try? client.write(to: d.appendingPathComponent("tls_client.py"), atomically: true, encoding: .utf8)
        return d
    }()

    static var certificate: String { dir.appendingPathComponent("cert.pem").path }
    static var key: String { dir.appendingPathComponent("key.pem").path }

    /// Generates the self-signed certificate once (EC P-256, CN=localhost).
    static let certificateReady: Bool = {
        let out = try? Child.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
        ])
        return out != nil && FileManager.default.fileExists(atPath: certificate)
    }()

    /// The system's libssl as the dynamic loader would map it.
    static let systemLibSSL: String = {
        for p in ["/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/aarch64-linux-gnu/libssl.so.3", "/usr/lib64/libssl.so.3"]
        where FileManager.default.fileExists(atPath: p) { return p }
        return "/usr/lib/x86_64-linux-gnu/libssl.so.3"
    }()

    /// Starts the Python TLS server; returns it and its port.
    static func startPythonServer(environment: [String: String]? = nil) throws -> (Child, Int) {
        try #require(certificateReady, "openssl could not make a test certificate")
        let child = try Child(Scripts.python, Scripts.pythonArgs([dir.appendingPathComponent("tls_server.py").path, certificate, key]))
        let port = Int(child.firstLine()) ?? -1
        try #require(port > 0, "TLS server did not start: \(child.errorOutput)")
        return (child, port)
    }

    /// The arguments that run the Python TLS client.
    static func clientArguments(_ args: [String]) -> [String] {
        Scripts.pythonArgs([dir.appendingPathComponent("tls_client.py").path] + args)
    }

    /// Runs the Python TLS client to completion; returns its JSON output and pid.
    static func runPythonClient(_ args: [String]) throws -> ([String: Any], UInt32) {
        let child = try Child(Scripts.python, clientArguments(args))
        let out = child.output()
        let json = (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? ["raw": out, "err": child.errorOutput]
        return (json, child.pid)
    }

    /// Waits until `collector` probes every libssl file process `pid` maps (true when it does).
    static func waitForProbes(_ collector: Collector, pid: UInt32, timeout: Double = 15) -> Bool {
        Rows.waitFor(timeout: timeout) { () -> Bool? in
            guard let files = LibraryScanner.candidates(pid: pid) else { return nil }
            let libs = files.filter { LibraryScanner.isLibSSL($0.path) }.map(\.path)
            guard !libs.isEmpty, let probed = collector.tls?.probedLibraries else { return nil }
            return libs.allSatisfy(probed.contains) ? true : nil
        } ?? false
    }

    static let server = #"""
import socket, ssl, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass

    def do_GET(self):
        if self.path.startswith("/big/"):
            body = bytes(ord("a") + i % 26 for i in range(int(self.path[5:])))
        else:
            body = ("tls hello " + self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b"got %d" % len(data)
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(ThreadingHTTPServer):
    daemon_threads = True

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = Server(("127.0.0.1", 0), Handler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""#

    /// `keepalive PORT RECV_SIZE PATH...`: one TLS connection, the paths one after another, each
    /// response read with recv(RECV_SIZE) (small sizes make OpenSSL serve reads from its buffer).
    /// `late PORT PATH...`: waits (without ssl loaded) for a line on stdin after printing
    /// "waiting"; then imports ssl (dlopen of libssl), prints "loaded", waits for another line,
    /// and runs the requests like keepalive.
    static let client = #"""
import json, socket, sys, time

def read_response(s, size, buf=b""):
    while b"\r\n\r\n" not in buf:
        d = s.recv(size)
        if not d: return None, buf
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, v = line.split(b":", 1)
        if k.strip().lower() == b"content-length": n = int(v)
    while len(rest) < n:
        d = s.recv(size)
        if not d: break
        rest += d
    return head + b"\r\n\r\n" + rest[:n], rest[n:]

def run(port, size, paths):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port))
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    out = {"local_port": s.getsockname()[1], "sizes": []}
    buf = b""
    for path in paths:
        if path.startswith("POST:"):
            body = b"p" * 1000
            s.sendall(("POST %s HTTP/1.1\r\nHost: tls\r\nContent-Length: %d\r\n\r\n" % (path[5:], len(body))).encode() + body)
        else:
            s.sendall(("GET %s HTTP/1.1\r\nHost: tls\r\n\r\n" % path).encode())
        resp, buf = read_response(s, size, buf)
        out["sizes"].append(len(resp.split(b"\r\n\r\n", 1)[1]) if resp else -1)
    s.close()
    return out

mode = sys.argv[1]
if mode == "keepalive":
    print(json.dumps(run(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])), flush=True)
elif mode == "late":
    print("waiting", flush=True)
    sys.stdin.readline()
    import ssl
    print("loaded", flush=True)
    sys.stdin.readline()
    print(json.dumps(run(int(sys.argv[2]), 65536, sys.argv[3:])), flush=True)
"""#
}

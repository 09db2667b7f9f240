import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// Real traffic through real servers, traced by an in-process collector (root only).
extension RootIntegrationTests {
@Suite struct CollectorHTTPTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    /// Rows of `pid` matching `filter`, once `count` of them exist.
    func rows(pid: UInt32, count: Int, _ filter: @escaping (HTTPRow) -> Bool = { _ in true }) -> [HTTPRow] {
        Rows.waitFor {
            let r = Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
            return r.count >= count ? r : nil
        } ?? Rows.http(store).filter { $0.upid.pid == pid && filter($0) }
    }

    func curl(_ args: [String]) throws -> (pid: UInt32, localPort: Int, totalNs: Int64, localIP: String) {
        let child = try Child("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{local_ip} %{local_port} %{time_total}"] + args)
        let parts = child.output().split(separator: " ")
        try #require(parts.count == 3, "curl output: \(parts)")
        return (child.pid, Int(parts[1])!, Int64(Double(parts[2])! * 1e9), String(parts[0]))
    }

    @Test func curlGetProducesServerAndClientRows() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let c = try curl(["http://127.0.0.1:\(port)/hello?x=1"])

        let s = try #require(rows(pid: server.pid, count: 1).first)
        #expect(s.method == "GET")
        #expect(s.path == "/hello?x=1")
        #expect(s.status == 200)
        #expect(s.message == "OK")
        #expect(s.respBody == "hello /hello?x=1")
        #expect(s.respBodySize == 16)
        #expect(s.reqBodySize == 0)
        #expect(s.role == 2)
        #expect(s.localAddr == "127.0.0.1")
        #expect(s.localPort == port)
        #expect(s.remoteAddr == "127.0.0.1")
        #expect(s.remotePort == c.localPort)
        #expect(!s.encrypted)
        #expect(s.major == 1 && s.minor == 1)
        #expect(s.reqHeaders.contains(#""Host":"127.0.0.1:\#(port)""#))
        #expect(s.respHeaders.contains(#""Content-Length":"16""#))
        #expect(s.latency > 0 && s.latency < c.totalNs, "latency \(s.latency) vs curl \(c.totalNs)")
        #expect(s.upid.startTimeTicks == ProcFS.startTimeTicks(pid: server.pid))

        let k = try #require(rows(pid: c.pid, count: 1).first)
        #expect(k.role == 1)
        #expect(k.path == "/hello?x=1")
        #expect(k.status == 200)
        #expect(k.respBody == "hello /hello?x=1")
        #expect(k.remoteAddr == "127.0.0.1")
        #expect(k.remotePort == port)
        #expect(k.localAddr == "127.0.0.1")
        #expect(k.localPort == c.localPort)
        #expect(k.latency > 0 && k.latency < c.totalNs)
        // Row times are wall-clock times of this run.
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        #expect(abs(now - k.time) < 60_000_000_000)
    }

    @Test func keepAliveRequestsOnOneConnection() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let (out, clientPID) = try Scripts.client(["keepalive", "127.0.0.1", "\(port)", "/k1", "/k2", "/k3"])
        let localPort = try #require(out["local_port"] as? Int, "\(out)")
        let rtts = try #require(out["rtt_ns"] as? [Int])
        let s = rows(pid: server.pid, count: 3) { $0.remotePort == localPort }
        #expect(s.map(\.path) == ["/k1", "/k2", "/k3"])
        #expect(s.map(\.respBody) == ["hello /k1", "hello /k2", "hello /k3"])
        for (row, rtt) in zip(s, rtts) { #expect(row.latency > 0 && row.latency < Int64(rtt)) }
        let c = rows(pid: clientPID, count: 3)
        #expect(c.map(\.path) == ["/k1", "/k2", "/k3"])
        #expect(c.allSatisfy { $0.role == 1 && $0.localPort == localPort && $0.remotePort == port })
        for (row, rtt) in zip(c, rtts) { #expect(row.latency > 0 && row.latency < Int64(rtt)) }
    }

    @Test func pipelinedRequestsMatchInOrder() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let (out, clientPID) = try Scripts.client(["pipelined", "127.0.0.1", "\(port)", "/p1", "/p2?q", "/p3"])
        let localPort = try #require(out["local_port"] as? Int, "\(out)")
        let c = rows(pid: clientPID, count: 3)
        #expect(c.map(\.path) == ["/p1", "/p2?q", "/p3"])
        #expect(c.map(\.respBody) == ["hello /p1", "hello /p2?q", "hello /p3"])
        #expect(c.allSatisfy { $0.localPort == localPort })
        let s = rows(pid: server.pid, count: 3) { $0.remotePort == localPort }
        #expect(s.map(\.path) == ["/p1", "/p2?q", "/p3"])
        #expect(s.map(\.respBody) == ["hello /p1", "hello /p2?q", "hello /p3"])
    }

    @Test func chunkedPostHeadAndGzip() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        _ = try curl(["http://127.0.0.1:\(port)/chunked"])
        _ = try curl(["-d", "name=sprite&x=1", "http://127.0.0.1:\(port)/form"])
        _ = try curl(["-I", "http://127.0.0.1:\(port)/head"])
        _ = try curl(["http://127.0.0.1:\(port)/gzip"])
        _ = try curl(["http://127.0.0.1:\(port)/json"])
        let s = rows(pid: server.pid, count: 5)
        let chunked = try #require(s.first { $0.path == "/chunked" })
        #expect(chunked.respBody == "hello chunked world")
        #expect(chunked.respBodySize == 19)
        #expect(chunked.respHeaders.contains(#""Transfer-Encoding":"chunked""#))
        let post = try #require(s.first { $0.path == "/form" })
        #expect(post.method == "POST")
        #expect(post.reqBody == "name=sprite&x=1")
        #expect(post.reqBodySize == 15)
        #expect(post.status == 201)
        #expect(post.message == "Created")
        #expect(post.respBody == "got 15")
        let head = try #require(s.first { $0.path == "/head" })
        #expect(head.method == "HEAD")
        #expect(head.status == 200)
        #expect(head.respBodySize == 0)
        #expect(head.respHeaders.contains(#""Content-Length":"11""#))
        let gz = try #require(s.first { $0.path == "/gzip" })
        #expect(gz.respBody == "inflated text")
        let json = try #require(s.first { $0.path == "/json" })
        #expect(json.contentType == 1)
    }

    @Test func ipv6Loopback() throws {
        let (server, port) = try Scripts.startServer(host: "::1")
        defer { server.stop() }
        let c = try curl(["-g", "http://[::1]:\(port)/v6"])
        let s = try #require(rows(pid: server.pid, count: 1).first)
        #expect(s.path == "/v6")
        #expect(s.localAddr == "::1")
        #expect(s.remoteAddr == "::1")
        #expect(s.localPort == port)
        #expect(s.remotePort == c.localPort)
        let k = try #require(rows(pid: c.pid, count: 1).first)
        #expect(k.remoteAddr == "::1" && k.remotePort == port && k.role == 1)
    }

    @Test func fdReusedAfterCloseGivesUnmixedRows() throws {
        let (server, port) = try Scripts.startServer()
        defer { server.stop() }
        let (out, clientPID) = try Scripts.client(["reuse", "127.0.0.1", "\(port)", "/first", "/second", "/third"])
        let fds = try #require(out["fds"] as? [Int], "\(out)")
        let ports = try #require(out["ports"] as? [Int])
        #expect(Set(fds).count == 1, "the client reuses one fd number")
        let c = rows(pid: clientPID, count: 3)
        #expect(c.map(\.path) == ["/first", "/second", "/third"])
        #expect(c.map(\.respBody) == ["hello /first", "hello /second", "hello /third"])
        #expect(c.map(\.localPort) == ports)
    }

    @Test func nginxServesStaticAndReturnRows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-nginx-\(getpid())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let page = String(repeating: "nginx page ", count: 100)
        try page.write(to: dir.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let port = try freePort()
        let conf = """
        daemon off; master_process off; worker_processes 1; error_log \(dir.path)/logs/error.log; pid \(dir.path)/nginx.pid;
        events { worker_connections 64; }
        http { access_log off; client_body_temp_path \(dir.path); proxy_temp_path \(dir.path); fastcgi_temp_path \(dir.path);
          uwsgi_temp_path \(dir.path); scgi_temp_path \(dir.path);
          server { listen 127.0.0.1:\(port); root \(dir.path);
            location = /text { return 200 "from nginx"; } } }
        """
        try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let nginx = try Child("/usr/sbin/nginx", ["-p", dir.path, "-c", dir.appendingPathComponent("nginx.conf").path])
        defer { nginx.stop() }
        _ = Rows.waitFor { connectable(port) ? true : nil }
        _ = try curl(["http://127.0.0.1:\(port)/index.html"])
        _ = try curl(["http://127.0.0.1:\(port)/text"])
        let s = rows(pid: nginx.pid, count: 2)
        let file = try #require(s.first { $0.path == "/index.html" })
        #expect(file.status == 200)
        #expect(file.respBodySize == page.utf8.count)  // sent with sendfile: sized, not captured
        #expect(file.role == 2 && file.localPort == port)
        let text = try #require(s.first { $0.path == "/text" })
        #expect(text.respBody == "from nginx")
        #expect(text.respBodySize == 10)
    }
}
}

func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func connectable(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}
